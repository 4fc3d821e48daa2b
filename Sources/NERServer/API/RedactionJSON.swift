import NERCore

/// Redactions in JSON, the same for `zhner redact` and the `/v1/redact` routes.
extension JSONWriter {
    /// `"text": REDACTED, "items": [{"type", "start", "end", "redacted_start", "redacted_end",
    /// "operator"}]`, each item with the original `"text"` only when `originals` is set: the
    /// fields of a redaction, for the caller to put in an object with any others it has.
    public static func appendRedaction(_ r: Redaction, originals: Bool, to out: inout String) {
        out.append("\"text\": ")
        appendString(r.text, to: &out)
        out.append(", \"items\": ")
        appendRedactionItems(r.items, originals: originals, to: &out)
    }

    /// The `items` list alone.
    public static func appendRedactionItems(_ items: [RedactionItem], originals: Bool, to out: inout String) {
        out.append("[")
        for (i, item) in items.enumerated() {
            out.append(i == 0 ? "{" : ", {")
            out.append("\"type\": ")
            appendString(item.type, to: &out)
            out.append(", \"start\": \(item.start), \"end\": \(item.end), \"redacted_start\": \(item.redactedStart), \"redacted_end\": \(item.redactedEnd)")
            out.append(", \"operator\": \"\(item.operatorName)\"")
            if originals {
                out.append(", \"text\": ")
                appendString(item.original, to: &out)
            }
            out.append("}")
        }
        out.append("]")
    }
}
