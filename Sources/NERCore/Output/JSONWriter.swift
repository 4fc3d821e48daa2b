/// Hand-written JSON for the hot output paths (`zhner tag` and the HTTP API write entities the same
/// way): a stable key order (`text` before `entities`) and no Codable overhead per entity.
public enum JSONWriter {
    public static func appendString(_ s: String, to out: inout String) {
        out.append("\"")
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{2028}": out.append("\\u2028")
            case "\u{2029}": out.append("\\u2029")
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out.append("\"")
    }

    /// A score with 4 decimals: more would be noise, fewer hides differences. Entities hold scores
    /// in [0, 1] by construction; a non-finite one would be invalid JSON, so it stops here as a bug.
    public static func score(_ s: Float) -> String {
        precondition(s.isFinite, "non-finite score \(s): Entity and PipelineEntity clamp scores into [0, 1]")
        let scaled = (Double(s) * 10000).rounded()
        return String(scaled / 10000)
    }

    public static func appendEntities(_ entities: [Entity], to out: inout String) {
        out.append("[")
        for (i, e) in entities.enumerated() {
            if i > 0 { out.append(", ") }
            appendEntity(e, to: &out)
        }
        out.append("]")
    }

    /// `{"type": ..., "start": ..., "end": ..., "text": ..., "score": ...}`, and `"source"` unless
    /// the model found it.
    public static func appendEntity(_ e: Entity, to out: inout String) {
        out.append("{\"type\": ")
        appendString(e.type, to: &out)
        out.append(", \"start\": \(e.start), \"end\": \(e.end), \"text\": ")
        appendString(e.text, to: &out)
        out.append(", \"score\": " + score(e.score))
        // Only lexicon (and pattern) entities say where they came from: model output keeps its old shape.
        if e.source != .model { out.append(", \"source\": \"\(e.source.rawValue)\"") }
        out.append("}")
    }

    /// `{"text": ..., "entities": [...]}`
    public static func line(text: String, entities: [Entity]) -> String {
        var out = "{\"text\": "
        appendString(text, to: &out)
        out.append(", \"entities\": ")
        appendEntities(entities, to: &out)
        out.append("}")
        return out
    }
}
