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
}
