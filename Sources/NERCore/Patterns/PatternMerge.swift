/// Merges the model's and the user lexicon's entities with the pattern recognizers' (the output
/// path calls this after `UserLexicon.apply`; docs/PRIVACY.md, "Merging").
///
/// The rule, by rank: URL and EMAIL patterns (3) > lexicon entities (2) > other patterns (1) >
/// model entities (0). An entity is dropped when it overlaps, even by one character, a kept
/// entity of a higher rank; entities of the same rank never remove each other. So an address
/// swallows the names inside it (`bob@example.com` is one EMAIL, not a PER and an ORG), a user's
/// lexicon still beats a number-shaped pattern, and a validated pattern beats the model's guess.
public enum PatternMerge {
    static func rank(_ e: Entity) -> Int {
        switch e.source {
        case .model: 0
        case .lexicon: 2
        case .pattern: e.type == PatternType.url.rawValue || e.type == PatternType.email.rawValue ? 3 : 1
        }
    }

    /// `entities` (model and lexicon, any order) with `patterns` added by the rule above; sorted
    /// by start, then end.
    public static func merge(_ entities: [Entity], patterns: [Entity]) -> [Entity] {
        let all = entities + patterns
        var kept: [Entity] = []
        // Spans kept at higher ranks, disjoint and sorted by start once merged (see `union`).
        var blocked: [Range<Int>] = []
        for r in stride(from: 3, through: 0, by: -1) {
            let here = all.filter { rank($0) == r && !overlaps(blocked, span($0)) }
            kept += here
            blocked = union(blocked + here.map(span))
        }
        return kept.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    /// An entity's span; one whose end is before its start (not zhner's, but this is public) is
    /// taken as empty rather than trapping.
    static func span(_ e: Entity) -> Range<Int> { e.start..<max(e.start, e.end) }

    /// Whether `r` overlaps any of `sorted` (disjoint, sorted by start): binary search for the
    /// first span ending after `r` starts. An empty span overlaps nothing.
    static func overlaps(_ sorted: [Range<Int>], _ r: Range<Int>) -> Bool {
        guard !r.isEmpty else { return false }
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid].upperBound <= r.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo].lowerBound < r.upperBound
    }

    /// The union of `spans` as disjoint spans sorted by start (touching spans stay apart: they
    /// do not overlap anything the other does not).
    static func union(_ spans: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for s in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) where !s.isEmpty {
            if let last = out.last, s.lowerBound < last.upperBound {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, s.upperBound)
            } else {
                out.append(s)
            }
        }
        return out
    }
}
