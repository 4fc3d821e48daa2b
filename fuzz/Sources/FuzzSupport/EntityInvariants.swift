import NERCore

/// The invariants of every entity list zhner returns for a text of `scalars`: sorted, never
/// overlapping, inside the text, each entity's `text` the text's own slice, a known type, a score
/// in [0, 1].
public func checkEntities(_ entities: [Entity], _ scalars: [Unicode.Scalar], knownType: (String) -> Bool) {
    var previousEnd = 0
    for e in entities {
        invariant(previousEnd <= e.start && e.start < e.end && e.end <= scalars.count,
                  "entity \(e.start)..<\(e.end) overlaps the previous one (ending \(previousEnd)) or leaves the \(scalars.count)-character text")
        var slice = ""
        slice.unicodeScalars.append(contentsOf: scalars[e.start..<e.end])
        invariant(e.text.unicodeScalars.elementsEqual(slice.unicodeScalars), "entity text is not the text's slice")
        invariant(knownType(e.type), "unknown type \(e.type)")
        invariant(e.score.isFinite && e.score >= 0 && e.score <= 1, "score \(e.score)")
        previousEnd = e.end
    }
}
