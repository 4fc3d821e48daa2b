/// Edits of one JSONL input record (`--text-field`) that keep every other byte of it as it was:
/// the fields' order, number spellings and escapes, which a parse and re-serialisation would change.
/// Run on records that `LineEntities.text(ofRecord:)` has already parsed as a JSON object.
enum JSONRecordEdit {
    /// The record, less surrounding blanks, with `"name": json` added as its last field.
    static func appending(_ name: String, _ json: String, to line: String) -> String {
        var body = Substring(line)
        while let first = body.first, first == " " || first == "\t" { body.removeFirst() }
        while let last = body.last, last == " " || last == "\t" || last == "\r" { body.removeLast() }
        // A valid object ends with "}"; `text(ofRecord:)` checked it is one and non-empty.
        body.removeLast()
        return String(body) + ", \"\(name)\": " + json + "}"
    }

    /// The record with the value of its top-level field `field` replaced by `json`. A record that
    /// has the field twice is refused: the parser read one of the two, and which one JSON does
    /// not say, so the other could keep text that was never redacted.
    static func replacing(_ field: String, with json: String, in line: String) throws(LineEntities.RecordError) -> String {
        let bytes = Array(line.utf8)
        let spans = valueSpans(of: field, in: bytes)
        guard spans.count == 1 else {
            throw .init(message: "has the field \"\(field)\" more than once; which one to redact is ambiguous")
        }
        return String(decoding: bytes[..<spans[0].lowerBound], as: UTF8.self) + json
            + String(decoding: bytes[spans[0].upperBound...], as: UTF8.self)
    }

    /// How many times the record has the top-level field `field` (a JSON parser keeps one of them).
    static func count(of field: String, in line: String) -> Int { valueSpans(of: field, in: Array(line.utf8)).count }

    /// The byte ranges of the values of every top-level field named `field`.
    private static func valueSpans(of field: String, in bytes: [UInt8]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var i = bytes.firstIndex(of: UInt8(ascii: "{"))! + 1
        while true {
            skipBlanks(bytes, &i)
            // A valid object: "}" (empty, or after a comma-less last value) or a key string.
            guard bytes[i] == UInt8(ascii: "\"") else { break }
            let keyStart = i
            skipValue(bytes, &i)
            let key = String(decoding: bytes[keyStart..<i], as: UTF8.self)
            skipBlanks(bytes, &i)
            i += 1  // the colon
            skipBlanks(bytes, &i)
            let valueStart = i
            skipValue(bytes, &i)
            if decodedKey(key) == field { spans.append(valueStart..<i) }
            skipBlanks(bytes, &i)
            if bytes[i] == UInt8(ascii: ",") { i += 1 }
        }
        return spans
    }

    /// A key as JSON spells it (quotes included) → its text; escapes (`"\u0074ext"`) decoded.
    private static func decodedKey(_ quoted: String) -> String {
        guard quoted.contains("\\") else { return String(quoted.dropFirst().dropLast()) }
        return (try? LineEntities.text(ofRecord: "{\"k\": \(quoted)}", field: "k", adding: nil)) ?? quoted
    }

    private static func skipBlanks(_ bytes: [UInt8], _ i: inout Int) {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    /// Past one JSON value starting at `i`: a string, an object or array (brackets counted, those
    /// inside strings skipped), or a number or literal (up to the next delimiter).
    private static func skipValue(_ bytes: [UInt8], _ i: inout Int) {
        guard [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "[")].contains(bytes[i]) else {
            while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            return
        }
        var depth = 0
        var inString = false
        repeat {
            let b = bytes[i]
            i += 1
            if inString {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
            }
        } while inString || depth > 0
    }
}
