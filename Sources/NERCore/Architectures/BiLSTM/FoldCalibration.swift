import Foundation

/// Chooses the table rows whose input projections a BiLSTM-CRF folds at load time
/// (`FoldedInputProjection`): the most frequent bigrams and lexicon words of a calibration text.
/// A folded row costs 8H bytes of memory per side or set and saves a GEMM over its columns at
/// every token that has it, so the choice only needs frequencies like those of the text to be
/// tagged (the default model's come from MSRA train: its 8,192 most frequent bigrams cover 55 % of
/// MSRA test's; its 8,192 most frequent (word, set) pairs, 80 % of the word vectors there: 98 % in
/// set S, 66 % in B and E, 44 % in M).
struct FoldCalibration {
    /// The text's sentences (one per line, UTF-8) as normalised code points.
    let sentences: [[UInt32]]

    init(textPath path: String, normalizer: CharNormalizer) throws {
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.io("cannot read calibration text \(path): \(error.reason)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw NERError.invalidArgument("calibration text \(path) is not UTF-8")
        }
        // Split on the scalar, not the Character: "\r\n" is one Character, and CRLF text must split too.
        sentences = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.filter { $0 != "\r" }.map(normalizer.apply)
        }
    }

    /// Up to `limit` bigram ids seen at least twice, most frequent first, ties by id.
    func bigrams(vocabulary: CharVocabulary, config c: BiLSTMConfig, limit: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: c.bigramVocabSize)
        for chars in sentences {
            for (p, ch) in chars.enumerated() {
                counts[vocabulary.bigramID(p > 0 ? chars[p - 1] : c.bos, ch)] += 1
            }
            if let last = chars.last { counts[vocabulary.bigramID(last, c.eos)] += 1 }
        }
        return Self.top(counts, limit: limit)
    }

    /// Up to `limit` word-set keys (`FoldedInputProjection.wordKey`) of lexicon words with their own
    /// embedding row, seen at least twice, most frequent first, ties by key.
    func words(lexicon: Lexicon, config c: BiLSTMConfig, limit: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: 4 * c.lexiconWordRows)
        var matches: [Lexicon.Match] = []
        for chars in sentences {
            chars.withUnsafeBufferPointer { lexicon.matches($0, into: &matches) }
            for m in matches where m.word.row >= 0 {
                for p in m.start..<(m.start + m.length) {
                    counts[FoldedInputProjection.wordKey(set: m.set(at: p), row: Int(m.word.row), config: c)] += 1
                }
            }
        }
        return Self.top(counts, limit: limit)
    }

    private static func top(_ counts: [Int], limit: Int) -> [Int] {
        let seen = counts.indices.filter { counts[$0] >= 2 }
        return Array(seen.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }.prefix(limit))
    }
}
