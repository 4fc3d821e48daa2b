import Foundation
import NERCore

/// From a group of input lines to their texts and those texts' entities, on a worker thread: the
/// part of `zhner tag` and `zhner redact` that must agree, so that a redaction hides exactly the
/// entities tagging reports (`OutputEntities`: the model's, the lexicon's and the patterns').
struct LineEntities: Sendable {
    let recognizer: Recognizer
    let lexicon: UserLexicon?
    /// The pattern types to recognise (`--patterns`, `--entities`).
    let patternTypes: Set<String>
    /// The types to output (`--entities`); nil keeps all.
    let types: Set<String>?
    /// JSONL input: the field holding the text.
    let textField: String?
    /// For messages.
    let inputName: String

    struct RecordError: Error {
        let message: String
    }

    /// The texts of `lines` (the first being line `firstLine`): the lines, or with `--text-field`
    /// each record's field. `adding`: the field the output record will add, which a record must
    /// not have already. On a bad record: the texts before it and the error naming its line.
    func texts(_ lines: [String], firstLine: Int, adding: String?) -> (texts: [String], error: CLIError?) {
        guard let textField else { return (lines, nil) }
        var texts: [String] = []
        texts.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated() {
            do throws(RecordError) {
                let text = try Self.text(ofRecord: line, field: textField, adding: adding)
                // The parser kept one of the two; the other would go out beside entities that
                // are not its own (and, redacted, unredacted).
                if JSONRecordEdit.count(of: textField, in: line) > 1 {
                    throw RecordError(message: "has the field \"\(textField)\" more than once; which one is meant is ambiguous")
                }
                texts.append(text)
            } catch {
                return (texts, .data("\(inputName) line \(firstLine + i): \(error.message)"))
            }
        }
        return (texts, nil)
    }

    /// The final entities of each text, in order.
    func entities(_ texts: [String]) -> [[Entity]] {
        let long = texts.map { $0.utf8.count > Self.longLineBytes }
        var model = recognizer.recognize(batch: zip(texts, long).filter { !$0.1 }.map(\.0)).makeIterator()
        return zip(texts, long).map { text, isLong in
            isLong ? recognizer.finalEntities(partsOf: text, partCharacters: Recognizer.documentPartCharacters,
                                              lexicon: lexicon, patternTypes: patternTypes, types: types)
                   : OutputEntities.finalEntities(text: text, model: model.next()!, lexicon: lexicon, patternTypes: patternTypes, types: types)
        }
    }

    /// A line longer than this runs part by part (`Recognizer.finalEntities(partsOf:...)`), so that
    /// its memory is the line and its entities, not the model's state of all of it.
    static let longLineBytes = 1 << 20

    /// The text of a JSONL record: its `field`, which must be a string.
    static func text(ofRecord line: String, field: String, adding: String?) throws(RecordError) -> String {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
        } catch {
            throw RecordError(message: "not valid JSON\(JSONParseError.reason(error) ?? "")")
        }
        guard let record = object as? [String: Any] else { throw RecordError(message: "not a JSON object") }
        guard let value = record[field] else { throw RecordError(message: "no field \"\(field)\"") }
        guard let text = value as? String, !(value is NSNumber) else {
            throw RecordError(message: "field \"\(field)\" is not a string")
        }
        if let adding, record[adding] != nil {
            throw RecordError(message: "already has an \"\(adding)\" field, which the output would duplicate")
        }
        return text
    }
}
