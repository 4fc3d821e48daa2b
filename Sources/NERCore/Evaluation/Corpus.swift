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
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NERError.invalidArgument("cannot read \(path): \(error.localizedDescription)")
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

    private static func readCLUENER(_ text: String, path: String) throws -> [AnnotatedSentence] {
        var out: [AnnotatedSentence] = []
        for (i, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let sentence = obj["text"] as? String
            else { throw NERError.invalidArgument("\(path) line \(i + 1): expected a JSON object with \"text\"") }
            var spans: [EntityScores.Span] = []
            for (type, entities) in obj["label"] as? [String: [String: [[Int]]]] ?? [:] {
                for (_, positions) in entities {
                    for p in positions where p.count == 2 {
                        spans.append(EntityScores.Span(type: type, start: p[0], end: p[1] + 1))
                    }
                }
            }
            out.append(AnnotatedSentence(text: sentence, entities: spans.sorted { ($0.start, $0.end) < ($1.start, $1.end) }))
        }
        return out
    }
}
