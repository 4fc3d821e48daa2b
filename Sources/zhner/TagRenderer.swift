import NERCore

/// One group of input lines → its output text, on a worker thread: the texts and their entities
/// (`LineEntities`), each formatted as one record.
struct TagRenderer: Sendable {
    enum Format: String, CaseIterable {
        case jsonl, conll, hf
    }

    let format: Format
    let source: LineEntities

    /// The output of `lines` (the first being line `firstLine` of the input). On a bad line: the
    /// output of the lines before it, and the error naming it, so the caller can write what
    /// precedes it and stop.
    func render(_ lines: [String], firstLine: Int) -> (text: String, error: CLIError?) {
        let (texts, error) = source.texts(lines, firstLine: firstLine, adding: format == .jsonl ? "entities" : nil)
        var out = ""
        switch format {
        case .jsonl, .conll:
            for (i, (text, entities)) in zip(texts, source.entities(texts)).enumerated() {
                if format == .conll {
                    out += CoNLL.record(text: text, entities: entities)
                } else if source.textField != nil {
                    var list = ""
                    JSONWriter.appendEntities(entities, to: &list)
                    out += JSONRecordEdit.appending("entities", list, to: lines[i]) + "\n"
                } else {
                    out += JSONWriter.line(text: text, entities: entities) + "\n"
                }
            }
        case .hf:
            let found = source.recognizer.recognizePipeline(batch: texts)
            for (text, model) in zip(texts, found) {
                let entities = OutputEntities.finalEntities(text: text, pipeline: model, lexicon: source.lexicon,
                                                            patternTypes: source.patternTypes, types: source.types)
                out += Self.pipelineLine(entities) + "\n"
            }
        }
        return (out, error)
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
