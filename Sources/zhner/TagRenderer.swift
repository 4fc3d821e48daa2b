import Foundation
import NERCore

/// One group of input lines → its output text, on a worker thread: reads the texts (plain lines or
/// a JSONL field), recognises them, merges in the lexicon's and the patterns' entities
/// (`OutputEntities`), and formats each record.
struct TagRenderer: Sendable {
    enum Format: String, CaseIterable {
        case jsonl, conll, hf
    }

    let format: Format
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

    /// The output of `lines` (the first being line `firstLine` of the input). On a bad line: the
    /// output of the lines before it, and the error naming it, so the caller can write what
    /// precedes it and stop.
    func render(_ lines: [String], firstLine: Int) -> (text: String, error: CLIError?) {
        var texts: [String] = []
        texts.reserveCapacity(lines.count)
        var error: CLIError?
        if let textField {
            for (i, line) in lines.enumerated() {
                do {
                    texts.append(try Self.text(ofRecord: line, field: textField, carryThrough: format == .jsonl))
                } catch let e {
                    error = .data("\(inputName) line \(firstLine + i): \(e.message)")
                    break
                }
            }
        } else {
            texts = lines
        }
        var out = ""
        switch format {
        case .jsonl, .conll:
            let found = recognizer.recognize(batch: texts)
            for (i, (text, model)) in zip(texts, found).enumerated() {
                let entities = OutputEntities.finalEntities(text: text, model: model, lexicon: lexicon,
                                                            patternTypes: patternTypes, types: types)
                if format == .conll {
                    out += CoNLL.record(text: text, entities: entities)
                } else if textField != nil {
                    out += Self.extend(record: lines[i], with: entities) + "\n"
                } else {
                    out += JSONWriter.line(text: text, entities: entities) + "\n"
                }
            }
        case .hf:
            let found = recognizer.recognizePipeline(batch: texts)
            for (text, model) in zip(texts, found) {
                let entities = OutputEntities.finalEntities(text: text, pipeline: model, lexicon: lexicon,
                                                            patternTypes: patternTypes, types: types)
                out += Self.pipelineLine(entities) + "\n"
            }
        }
        return (out, error)
    }

    struct RecordError: Error {
        let message: String
    }

    /// The text of a JSONL record: its `field`, which must be a string. With `carryThrough` the
    /// record must not already have an `entities` field, which the output record adds.
    static func text(ofRecord line: String, field: String, carryThrough: Bool) throws(RecordError) -> String {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
        } catch {
            throw RecordError(message: "not valid JSON")
        }
        guard let record = object as? [String: Any] else { throw RecordError(message: "not a JSON object") }
        guard let value = record[field] else { throw RecordError(message: "no field \"\(field)\"") }
        guard let text = value as? String, !(value is NSNumber) else {
            throw RecordError(message: "field \"\(field)\" is not a string")
        }
        if carryThrough, record["entities"] != nil {
            throw RecordError(message: "already has an \"entities\" field, which the output would duplicate")
        }
        return text
    }

    /// The input record, byte for byte (less surrounding blanks), with `"entities": [...]` added as
    /// its last field: every other field is carried through unchanged, in its order.
    static func extend(record line: String, with entities: [Entity]) -> String {
        var body = Substring(line)
        while let first = body.first, first == " " || first == "\t" { body.removeFirst() }
        while let last = body.last, last == " " || last == "\t" || last == "\r" { body.removeLast() }
        // A valid object ends with "}"; `text(ofRecord:)` checked it is one and non-empty.
        body.removeLast()
        var out = String(body)
        out += ", \"entities\": "
        JSONWriter.appendEntities(entities, to: &out)
        return out + "}"
    }

    /// `[{"entity_group": ..., "score": ..., "word": ..., "start": ..., "end": ...}]`: the keys and
    /// order of transformers' output; the score printed as Python prints `float(np.float32(x))`
    /// (shortest round-trip form of the float32 widened to double).
    static func pipelineLine(_ entities: [PipelineEntity]) -> String {
        var out = "["
        for (i, e) in entities.enumerated() {
            if i > 0 { out += ", " }
            out += "{\"entity_group\": "
            JSONWriter.appendString(e.entityGroup, to: &out)
            out += ", \"score\": \(Double(e.score)), \"word\": "
            JSONWriter.appendString(e.word, to: &out)
            out += ", \"start\": \(e.start), \"end\": \(e.end)}"
        }
        return out + "]"
    }
}

/// CoNLL-style output: a character and its BIO label per line.
enum CoNLL {
    static func record(text: String, entities: [Entity]) -> String {
        let scalars = Array(text.unicodeScalars)
        var labels = [String](repeating: "O", count: scalars.count)
        for e in entities {
            for i in e.start..<e.end { labels[i] = (i == e.start ? "B-" : "I-") + e.type }
        }
        var out = ""
        for (c, label) in zip(scalars, labels) where !c.properties.isWhitespace && c.value >= 0x20 {
            out.unicodeScalars.append(c)
            out += "\t" + label + "\n"
        }
        return out + "\n"
    }
}
