import NERCore
import NERServer

/// One group of input lines → their redactions, on a worker thread (`zhner redact`). The entities
/// are `zhner tag`'s for the same options (`LineEntities`); each line or record is a document of
/// its own, with its own pseudonym numbering.
struct RedactRenderer: Sendable {
    enum Format: String, CaseIterable {
        case jsonl, text
    }

    let format: Format
    let source: LineEntities
    let policy: RedactionPolicy
    /// `--with-originals`: each item carries the text it replaced.
    let originals: Bool

    /// As `TagRenderer.render`: the output of `lines`, or of those before a bad one and its error.
    func render(_ lines: [String], firstLine: Int) -> (text: String, error: CLIError?) {
        let (texts, error) = source.texts(lines, firstLine: firstLine, adding: format == .jsonl ? "items" : nil)
        var out = ""
        for (i, (text, entities)) in zip(texts, source.entities(texts)).enumerated() {
            var redactor = Redactor(policy: policy)
            let redaction = redactor.redact(text, entities: entities)
            guard let field = source.textField else {
                if format == .text {
                    out += redaction.text + "\n"
                } else {
                    out += "{"
                    JSONWriter.appendRedaction(redaction, originals: originals, to: &out)
                    out += "}\n"
                }
                continue
            }
            var value = ""
            JSONWriter.appendString(redaction.text, to: &value)
            do {
                let record = try JSONRecordEdit.replacing(field, with: value, in: lines[i])
                guard format == .jsonl else {
                    out += record + "\n"
                    continue
                }
                var items = ""
                JSONWriter.appendRedactionItems(redaction.items, originals: originals, to: &items)
                out += JSONRecordEdit.appending("items", items, to: record) + "\n"
            } catch {
                return (out, .data("\(source.inputName) line \(firstLine + i): \(error.message)"))
            }
        }
        return (out, error)
    }
}
