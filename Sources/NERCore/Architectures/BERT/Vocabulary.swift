import Foundation

/// A WordPiece vocabulary: `vocab.txt`, one token per line, the id being the line number.
///
/// Lookups compare scalars exactly, as HF does: Swift's `String ==` treats canonically equivalent
/// strings as equal (`e\u{301}` == `é`, U+F901 == U+66F4), which would find tokens HF does not.
public struct Vocabulary: Sendable {
    public let tokens: [String]
    private let ids: [ExactKey: Int32]
    /// Code points of the longest token: no longer string can be in the vocabulary.
    public let longestToken: Int

    public init(tokens: [String]) throws {
        var ids = [ExactKey: Int32](minimumCapacity: tokens.count)
        for (i, t) in tokens.enumerated() where ids[ExactKey(t)] == nil { ids[ExactKey(t)] = Int32(i) }
        self.tokens = tokens
        self.ids = ids
        longestToken = tokens.map { $0.unicodeScalars.count }.max() ?? 0
    }

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try FileBytes.read(url.path) } catch {
            throw NERError.modelFile(url.path, "cannot read vocabulary: \(error.reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NERError.modelFile(url.path, "vocabulary is not valid UTF-8")
        }
        // Only "\n" separates entries: a token may legitimately be "\r"-free but contain other
        // whitespace-like characters, and HF reads the file line by line with rstrip("\n").
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw NERError.modelFile(url.path, "vocabulary is empty") }
        try self.init(tokens: lines)
    }

    public var count: Int { tokens.count }

    public func id(_ token: String) -> Int32? { ids[ExactKey(token)] }

    /// The id of a required special token, with an error that names the file to fix.
    func requiredID(_ token: String) throws -> Int32 {
        guard let id = ids[ExactKey(token)] else {
            throw NERError.invalidModel("vocabulary has no \(token) token")
        }
        return id
    }
}

/// A string key compared by its UTF-8 bytes rather than by canonical equivalence.
private struct ExactKey: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: ExactKey, b: ExactKey) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
