import Foundation

/// Scores → entities: labels and probabilities per token (CRF Viterbi and marginals, else argmax and
/// softmax), grouped into words, read as spans by the label scheme, scored and calibrated.
extension Recognizer {
    /// A label per token (CRF Viterbi, else argmax) and every label's probability per token
    /// (CRF marginals, else softmax), row-major.
    func tokenLabels(_ scores: [Float], tokens n: Int) -> (labels: [Int], probabilities: [Float]) {
        let l = labels.count
        var tokenLabels = [Int](repeating: 0, count: n)
        var probabilities = [Float](repeating: 0, count: n * l)
        scores.withUnsafeBufferPointer { buf in
            if let crf = model.crf {
                tokenLabels = crf.viterbi(buf)
                probabilities = crf.marginals(buf)
            } else {
                for t in 0..<n {
                    let row = UnsafeBufferPointer(rebasing: buf[(t * l)..<((t + 1) * l)])
                    softmax(row, into: &probabilities, at: t * l)
                    var best = 0
                    for j in 1..<l where row[j] > row[best] { best = j }
                    tokenLabels[t] = best
                }
            }
        }
        return (tokenLabels, probabilities)
    }

    /// Labels per token (CRF Viterbi or argmax), aggregated per word by its first token, then spans.
    func decode(_ sentence: Sentence, scores: [Float], document: Document) -> [Entity] {
        let scalars = document.scalars
        let l = labels.count
        let e = sentence.encoding
        let n = e.count
        let (tokenLabels, probabilities) = tokenLabels(scores, tokens: n)
        // Words: runs of tokens sharing a word id; each takes its first token's label and probability.
        var wordFirst: [Int] = []
        var wordLast: [Int] = []
        for t in 0..<n {
            if t == 0 || e.wordIDs[t] != e.wordIDs[t - 1] {
                wordFirst.append(t)
                wordLast.append(t)
            } else {
                wordLast[wordLast.count - 1] = t
            }
        }
        let wordLabels = wordFirst.map { tokenLabels[$0] }
        func blank(_ w: Int) -> Bool { Self.isBlank(scalars[Int(e.starts[wordFirst[w]])..<Int(e.ends[wordLast[w]])]) }
        return scheme.spans(wordLabels).compactMap { span in
            // An entity never starts or ends on whitespace, a control character or a BOM (a BiLSTM
            // tags every code point, spaces included): CoNLL output would open it with I-.
            var words = span.start..<span.end
            while !words.isEmpty, blank(words.lowerBound) { words = (words.lowerBound + 1)..<words.upperBound }
            while !words.isEmpty, blank(words.upperBound - 1) { words = words.lowerBound..<(words.upperBound - 1) }
            guard !words.isEmpty else { return nil }
            let first = wordFirst[words.lowerBound]
            let last = wordLast[words.upperBound - 1]
            var total: Float = 0
            for w in words { total += probabilities[wordFirst[w] * l + wordLabels[w]] }
            let start = Int(e.starts[first])
            let end = Int(e.ends[last])
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<end])
            return Entity(type: span.type, start: start, end: end, text: text,
                          score: calibrated(span.type, total / Float(words.count), document))
        }
    }

    /// An entity's score as the model's calibration maps it (the raw mean where it has none), given
    /// what the calibration reads of the entity's whole text.
    func calibrated(_ type: String, _ raw: Float, _ document: Document) -> Float {
        calibration?.apply(type: type, score: raw, context: document.scoreContext) ?? raw
    }

    /// Whether every code point of `s` is whitespace, a control character, a BOM or a zero-width
    /// space: what an entity must not start or end with.
    static func isBlank(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        s.allSatisfy { c in
            c.properties.isWhitespace || c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c == "\u{FEFF}" || c == "\u{200B}"
        }
    }

    private func softmax(_ row: UnsafeBufferPointer<Float>, into out: inout [Float], at offset: Int) {
        let m = row.max() ?? 0
        var sum: Float = 0
        for j in row.indices {
            let v = expf(row[j] - m)
            out[offset + j] = v
            sum += v
        }
        for j in row.indices { out[offset + j] /= sum }
    }
}
