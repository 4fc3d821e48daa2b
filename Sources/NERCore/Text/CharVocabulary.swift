import Foundation

/// Character and character-bigram vocabularies of a BiLSTM model (`chars.txt`, `bigrams.txt`):
/// line k is row k of the embedding table; line 0 is `[UNK]`, the row of anything unlisted.
struct CharVocabulary: Sendable {
    private let chars: [UInt32: Int32]
    private let bigrams: [UInt64: Int32]

    init(charsPath: String, bigramsPath: String, charCount: Int, bigramCount: Int) throws {
        var chars: [UInt32: Int32] = [:]
        for (i, scalars) in try CharVocabulary.lines(charsPath, expected: charCount, width: 1).enumerated() where i > 0 {
            chars[scalars[0]] = Int32(i)
        }
        var bigrams: [UInt64: Int32] = [:]
        for (i, scalars) in try CharVocabulary.lines(bigramsPath, expected: bigramCount, width: 2).enumerated() where i > 0 {
            bigrams[CharVocabulary.pair(scalars[0], scalars[1])] = Int32(i)
        }
        self.chars = chars
        self.bigrams = bigrams
    }

    /// Lines split on "\n" only and never trimmed: a space is a character of the vocabulary.
    private static func lines(_ path: String, expected: Int, width: Int) throws -> [[UInt32]] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NERError.modelFile(path, "cannot read: \(error.localizedDescription)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard lines.count == expected else {
            throw NERError.modelFile(path, "has \(lines.count) entries, config.json says \(expected)")
        }
        return try lines.enumerated().map { i, line in
            let scalars = line.unicodeScalars.map(\.value)
            guard i == 0 || scalars.count == width else {
                throw NERError.modelFile(path, "line \(i + 1) should hold \(width) character(s)")
            }
            return scalars
        }
    }

    static func pair(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    func charID(_ c: UInt32) -> Int { Int(chars[c] ?? 0) }

    func bigramID(_ a: UInt32, _ b: UInt32) -> Int { Int(bigrams[CharVocabulary.pair(a, b)] ?? 0) }
}
