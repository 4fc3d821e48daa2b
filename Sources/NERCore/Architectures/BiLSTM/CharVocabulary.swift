import Foundation

/// Character and character-bigram vocabularies of a BiLSTM model (`chars.txt`, `bigrams.txt`):
/// line k is row k of the embedding table; line 0 is `[UNK]`, the row of anything unlisted.
struct CharVocabulary: Sendable {
    private let chars: [UInt32: Int32]
    private let bigrams: [UInt64: Int32]

    init(charsPath: String, bigramsPath: String, charCount: Int, bigramCount: Int) throws {
        var chars = [UInt32: Int32](minimumCapacity: charCount)
        try CharVocabulary.forEachLine(charsPath, expected: charCount, width: 1) { i, scalars in
            chars[scalars[0]] = Int32(i)
        }
        var bigrams = [UInt64: Int32](minimumCapacity: bigramCount)
        try CharVocabulary.forEachLine(bigramsPath, expected: bigramCount, width: 2) { i, scalars in
            bigrams[CharVocabulary.pair(scalars[0], scalars[1])] = Int32(i)
        }
        self.chars = chars
        self.bigrams = bigrams
    }

    /// Calls `body(k, scalars)` for each line k ≥ 1 (line 0 is `[UNK]`). Lines are split on "\n"
    /// only and never trimmed: a space is a character of the vocabulary. Decoded from bytes: a
    /// String split of the 140k-line bigram file was a third of the model's start-up time.
    private static func forEachLine(_ path: String, expected: Int, width: Int,
                                    _ body: (Int, [UInt32]) -> Void) throws
    {
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.modelFile(path, "cannot read: \(error.reason)")
        }
        var count = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var scalars: [UInt32] = []
            var i = 0
            while i < bytes.count {
                var end = i
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                defer { i = end + 1 }
                guard count < expected else {
                    throw NERError.modelFile(path, "has more entries than the \(expected) config.json says")
                }
                if count > 0 {
                    scalars.removeAll(keepingCapacity: true)
                    var decoder = UTF8()
                    var input = UnsafeBufferPointer(rebasing: bytes[i..<end]).makeIterator()
                    decoding: while true {
                        switch decoder.decode(&input) {
                        case .scalarValue(let u): scalars.append(u.value)
                        case .emptyInput: break decoding
                        case .error: throw NERError.modelFile(path, "line \(count + 1) is not UTF-8")
                        }
                    }
                    guard scalars.count == width else {
                        throw NERError.modelFile(path, "line \(count + 1) should hold \(width) character(s)")
                    }
                    body(count, scalars)
                }
                count += 1
            }
        }
        guard count == expected else {
            throw NERError.modelFile(path, "has \(count) entries, config.json says \(expected)")
        }
    }

    static func pair(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    func charID(_ c: UInt32) -> Int { Int(chars[c] ?? 0) }

    func bigramID(_ a: UInt32, _ b: UInt32) -> Int { Int(bigrams[CharVocabulary.pair(a, b)] ?? 0) }
}
