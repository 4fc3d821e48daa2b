import Foundation

/// An annotated sentence of an evaluation corpus: its text and gold entities (code-point spans).
public struct AnnotatedSentence: Sendable, Equatable {
    public var text: String
    public var entities: [EntityScores.Span]
}

/// Readers for the annotated corpus formats `zhner eval` accepts.
public enum CorpusFormat: String, Sendable, CaseIterable {
    /// `token<TAB or SPACE>tag` per line, blank line between sentences; the tag scheme (BIO, BIOES,
    /// BMES …) is read from the tags. MSRA, Resume.
    case bio
    /// The same, BMES-tagged (an alias kept for the wording: tags decide the scheme anyway).
    case bmes
    /// Weibo NER: `<char><segmentation digit><TAB>tag`; the trailing digit is dropped.
    case weibo
    /// CLUENER2020 JSON lines: `{"text", "label": {type: {entity: [[start, end_inclusive], ...]}}}`.
    case cluener

    /// Reads `path`. `map` renames gold types; when it is given, gold types it does not name are dropped.
    public static func read(_ path: String, format: CorpusFormat, map: [String: String]?) throws -> [AnnotatedSentence] {
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.invalidArgument("cannot read \(path): \(error.reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NERError.invalidArgument("\(path) is not valid UTF-8")
        }
        return try parse(text, format: format, map: map, name: path)
    }

    /// Reads a corpus already decoded (the CLI decodes other encodings itself); `name` is the
    /// file's, for messages. `map` as for `read`.
    public static func parse(_ text: String, format: CorpusFormat, map: [String: String]?, name path: String) throws -> [AnnotatedSentence] {
        let sentences = format == .cluener ? try readCLUENER(text, path: path) : try readTagged(text, format: format, path: path)
        guard let map else { return sentences }
        return sentences.map { s in
            var s = s
            s.entities = s.entities.compactMap { e in map[e.type].map { EntityScores.Span(type: $0, start: e.start, end: e.end) } }
            return s
        }
    }

    private static func readTagged(_ text: String, format: CorpusFormat, path: String) throws -> [AnnotatedSentence] {
        var out: [AnnotatedSentence] = []
        var tokens: [String] = []
        var tags: [String] = []
        func flush() {
            guard !tokens.isEmpty else { return }
            let scheme = LabelScheme(labels: tags)
            var starts: [Int] = []
            var position = 0
            for t in tokens {
                starts.append(position)
                position += t.unicodeScalars.count
            }
            let spans = scheme.spans(Array(tags.indices)).map { s in
                EntityScores.Span(type: s.type, start: starts[s.start], end: starts[s.end - 1] + tokens[s.end - 1].unicodeScalars.count)
            }
            out.append(AnnotatedSentence(text: tokens.joined(), entities: spans))
            tokens.removeAll()
            tags.removeAll()
        }
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                flush()
                continue
            }
            // The tag is the last field; the token is what precedes the separator (it may be a space
            // character itself in tab-separated files).
            guard let sep = line.lastIndex(where: { $0 == "\t" || $0 == " " }), sep != line.startIndex else {
                throw NERError.invalidArgument("\(path) line \(lineNumber): expected token<TAB>tag, got \"\(line)\"")
            }
            var token = String(line[..<sep])
            if format == .weibo, let last = token.unicodeScalars.last, ("0"..."9").contains(last), token.unicodeScalars.count > 1 {
                token.unicodeScalars.removeLast()
            }
            tokens.append(token)
            tags.append(String(line[line.index(after: sep)...]))
        }
        flush()
        return out
    }

    /// A CLUENER `label` (type → entity text → [[start, end]], end inclusive, code points): every
    /// span two integers inside the text, holding the entity text it is listed under. A malformed
    /// one is an error naming the line, never dropped or scored as a miss (a gold entity lost
    /// silently changes every score). No `label` (as in CLUENER's test split): no entities.
    private static func cluenerSpans(_ label: Any?, text: String, at place: String) throws -> [EntityScores.Span] {
        guard let label, !(label is NSNull) else { return [] }
        guard let types = label as? [String: Any] else {
            throw NERError.invalidArgument("\(place): \"label\" must map types to their entities")
        }
        let scalars = Array(text.unicodeScalars)
        var spans: [EntityScores.Span] = []
        for (type, entities) in types {
            guard let entities = entities as? [String: Any] else {
                throw NERError.invalidArgument("\(place): \"label\".\"\(type)\" must map entity texts to [[start, end], ...]")
            }
            for (entity, positions) in entities {
                guard let positions = positions as? [Any] else {
                    throw NERError.invalidArgument("\(place): \(type) \"\(entity)\": positions must be [[start, end], ...]")
                }
                for p in positions {
                    guard let pair = p as? [Any], pair.count == 2, let start = JSONValue.integer(pair[0]), let end = JSONValue.integer(pair[1]),
                          start >= 0, start <= end, end < scalars.count
                    else {
                        throw NERError.invalidArgument("\(place): \(type) \"\(entity)\": \(p) is not [start, end] inside the \(scalars.count)-character text")
                    }
                    guard String(String.UnicodeScalarView(scalars[start...end])) == entity else {
                        throw NERError.invalidArgument("\(place): \(type) \"\(entity)\": [\(start), \(end)] holds \"\(String(String.UnicodeScalarView(scalars[start...end])))\"")
                    }
                    spans.append(EntityScores.Span(type: type, start: start, end: end + 1))
                }
            }
        }
        return spans
    }

    private static func readCLUENER(_ text: String, path: String) throws -> [AnnotatedSentence] {
        var out: [AnnotatedSentence] = []
        for (i, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let sentence = obj["text"] as? String
            else { throw NERError.invalidArgument("\(path) line \(i + 1): expected a JSON object with \"text\"") }
            let spans = try cluenerSpans(obj["label"], text: sentence, at: "\(path) line \(i + 1)")
            out.append(AnnotatedSentence(text: sentence, entities: spans.sorted { ($0.start, $0.end) < ($1.start, $1.end) }))
        }
        return out
    }
}
