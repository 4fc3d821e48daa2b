import Foundation

/// Names the user wants recognised whatever the model says: a file of `text<TAB>TYPE` lines
/// (blank lines and `#` comments skipped). Matching is exact (case and width as written) on the
/// original text's code points.
///
/// The rule that combines it with the model (docs/API.md, "Custom lexicon"):
/// 1. among lexicon matches, leftmost-longest wins: scanning left to right, the longest name
///    starting at the first matching position is taken, and matching resumes after it;
/// 2. a lexicon match removes every model entity it overlaps, even partly;
/// 3. lexicon entities have score 1 and source `lexicon`.
public struct UserLexicon: Sendable {
    public struct Entry: Sendable, Equatable {
        public let text: String
        public let type: String
    }

    public let entries: [Entry]
    private let scalars: [[Unicode.Scalar]]
    private let matcher: AhoCorasick

    public var count: Int { entries.count }

    /// Entries from pairs; the first error (empty text, type with whitespace, a name listed twice
    /// with different types) is reported as `invalidArgument`.
    public init(entries: [(text: String, type: String)]) throws {
        var seen: [String: String] = [:]
        var kept: [Entry] = []
        for (text, type) in entries {
            if let problem = UserLexicon.check(text: text, type: type) { throw NERError.invalidArgument(problem) }
            if let old = seen[text] {
                if old != type { throw NERError.invalidArgument("\(text) is listed as both \(old) and \(type)") }
                continue
            }
            seen[text] = type
            kept.append(Entry(text: text, type: type))
        }
        self.entries = kept
        scalars = kept.map { Array($0.text.unicodeScalars) }
        matcher = AhoCorasick(scalars)
    }

    /// Parses a lexicon file's content; errors name `name` and the line.
    public init(parsing content: String, name: String) throws {
        var pairs: [(text: String, type: String)] = []
        var lineOf: [String: (line: Int, type: String)] = [:]
        // "\r\n" is one Character in Swift, so both line ends are separators here.
        for (i, line) in content.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2 else {
                throw NERError.invalidArgument("\(name) line \(i + 1): expected \"text<TAB>TYPE\", got \(fields.count) tab-separated field(s)")
            }
            let text = fields[0].trimmingCharacters(in: .whitespaces)
            let type = fields[1].trimmingCharacters(in: .whitespaces)
            if let problem = UserLexicon.check(text: text, type: type) {
                throw NERError.invalidArgument("\(name) line \(i + 1): \(problem)")
            }
            if let first = lineOf[text], first.type != type {
                throw NERError.invalidArgument("\(name) line \(i + 1): \(text) is already listed as \(first.type) on line \(first.line)")
            }
            lineOf[text] = lineOf[text] ?? (i + 1, type)
            pairs.append((text, type))
        }
        try self.init(entries: pairs)
    }

    /// Reads and parses a lexicon file.
    public static func load(path: String) throws -> UserLexicon {
        let data: Data
        do { data = try FileBytes.read(path, streams: true) } catch {
            throw NERError.invalidArgument("cannot read the lexicon \(path): \(error.reason)")
        }
        return try load(data, name: path)
    }

    /// Parses a lexicon file's bytes; `name` names it in errors.
    public static func load(_ data: Data, name: String) throws -> UserLexicon {
        guard let content = String(data: data, encoding: .utf8) else {
            throw NERError.invalidArgument("the lexicon \(name) is not valid UTF-8")
        }
        return try UserLexicon(parsing: content, name: name)
    }

    private static func check(text: String, type: String) -> String? {
        if text.isEmpty { return "the name is empty" }
        if type.isEmpty { return "the type of \(text) is empty" }
        if type.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { return "the type \"\(type)\" contains whitespace" }
        return nil
    }

    /// Non-overlapping lexicon matches in `text`, leftmost-longest, sorted by start.
    public func matches(in text: String) -> [Entity] {
        guard !entries.isEmpty else { return [] }
        let chars = Array(text.unicodeScalars)
        // Longest match starting at each position: the only candidate leftmost-longest can take there.
        var longest: [Int: (pattern: Int, end: Int)] = [:]
        matcher.forEachMatch(in: chars) { pattern, start, end in
            if let old = longest[start], old.end >= end { return }
            longest[start] = (pattern, end)
        }
        var out: [Entity] = []
        var free = 0
        for start in longest.keys.sorted() where start >= free {
            let m = longest[start]!
            out.append(Entity(type: entries[m.pattern].type, start: start, end: m.end, text: entries[m.pattern].text,
                              score: 1, source: .lexicon))
            free = m.end
        }
        return out
    }

    /// `model` (entities of `text`, sorted by start) with this lexicon's matches added and every
    /// model entity that overlaps one removed; sorted by start (`OutputEntities` without patterns).
    public func apply(to model: [Entity], text: String) -> [Entity] {
        OutputEntities.finalEntities(model: model, lexicon: matches(in: text), patterns: [], types: nil)
    }
}
