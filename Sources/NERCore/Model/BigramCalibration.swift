import Foundation

/// Chooses the bigrams whose input projections a BiLSTM-CRF folds at load time
/// (`FoldedInputProjection`): the most frequent ones of a calibration text. A folded bigram costs
/// 2 × 8H bytes of memory and saves a 2 × bigramDim-column GEMM at every token that has it, so the
/// choice only needs frequencies like those of the text to be tagged (the default model's come
/// from MSRA train: the top 8,192 cover 55 % of MSRA test's bigrams).
enum BigramCalibration {
    /// Up to `limit` bigram ids seen at least twice in the text at `path` (one sentence per line,
    /// UTF-8), most frequent first, ties by id.
    static func mostFrequent(textPath path: String, vocabulary: CharVocabulary, config c: BiLSTMConfig,
                             limit: Int) throws -> [Int]
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NERError.invalidArgument("cannot read calibration text \(path)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw NERError.invalidArgument("calibration text \(path) is not UTF-8")
        }
        var counts = [Int](repeating: 0, count: c.bigramVocabSize)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let chars = line.unicodeScalars.filter { $0 != "\r" }.map(CharNormalizer.normalize)
            for (p, ch) in chars.enumerated() {
                counts[vocabulary.bigramID(p > 0 ? chars[p - 1] : c.bos, ch)] += 1
            }
            if let last = chars.last { counts[vocabulary.bigramID(last, c.eos)] += 1 }
        }
        let seen = counts.indices.filter { counts[$0] >= 2 }
        return Array(seen.sorted { counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }.prefix(limit))
    }
}
