/// Scores → entities in the shape of transformers' token-classification pipeline (`--format hf`).
extension Recognizer {
    /// transformers' "simple" aggregation over this sentence's tokens: each token keeps its own
    /// label (no word grouping) and that label's probability; consecutive tokens join a group while
    /// the label continues it (same type, not a B-); groups of O are dropped; the score is the mean
    /// of the group's token probabilities and `word` the WordPiece decoding of its tokens. For a
    /// BIO model without CRF this is exactly the pipeline's output. Beyond it: a CRF model gives
    /// Viterbi labels with marginal probabilities, and E-/S- labels close a group (transformers
    /// would report "E-PER" as a type of its own).
    func decodePipeline(_ sentence: Sentence, scores: [Float], document: Document) -> [PipelineEntity] {
        let scalars = document.scalars
        let l = labels.count
        let e = sentence.encoding
        let (tokenLabels, probabilities) = tokenLabels(scores, tokens: e.count)
        var out: [PipelineEntity] = []
        var group: (type: String, first: Int, last: Int, closed: Bool)?
        func blank(_ t: Int) -> Bool { Self.isBlank(scalars[Int(e.starts[t])..<Int(e.ends[t])]) }
        func flush() {
            guard var g = group else { return }
            group = nil
            guard !g.type.isEmpty else { return }
            // as in `decode`: no entity starts or ends on blank tokens
            while g.first <= g.last, blank(g.first) { g.first += 1 }
            while g.first <= g.last, blank(g.last) { g.last -= 1 }
            guard g.first <= g.last else { return }
            let sum = (g.first...g.last).reduce(Float(0)) { $0 + probabilities[$1 * l + tokenLabels[$1]] }
            out.append(PipelineEntity(entityGroup: g.type, score: calibrated(g.type, sum / Float(g.last - g.first + 1), document),
                                      word: pipelineWord(e, g.first...g.last, scalars),
                                      start: Int(e.starts[g.first]), end: Int(e.ends[g.last])))
        }
        for t in 0..<e.count {
            let tag = scheme.tags[tokenLabels[t]]
            let continues: Bool
            switch tag.role {
            case .outside: continues = group.map { $0.type.isEmpty } ?? false
            case .inside, .end: continues = group.map { !$0.closed && $0.type == tag.type } ?? false
            case .begin, .single: continues = false
            }
            if continues {
                group!.last = t
            } else {
                flush()
                group = (tag.type, t, t, false)
            }
            if tag.role == .end || tag.role == .single { group!.closed = true }
        }
        flush()
        return out
    }

    /// What the WordPiece decoder makes of tokens `range`: pieces joined by spaces, "##" pieces
    /// glued on, and no space before . , ? ! (the decoder's clean-up). An unknown token reads as
    /// its source text, as in the pipeline.
    private func pipelineWord(_ e: Encoding, _ range: ClosedRange<Int>, _ scalars: [Unicode.Scalar]) -> String {
        var word = ""
        // A character model's tokens are the text's own code points: its "word" is the text itself
        // (joined by the WordPiece rule it would read "h t t p s").
        guard model.hasTokenStrings else {
            word.unicodeScalars.append(contentsOf: scalars[Int(e.starts[range.lowerBound])..<Int(e.ends[range.upperBound])])
            return word
        }
        for t in range {
            var piece = model.tokenString(e.ids[t]) ?? {
                var s = ""
                s.unicodeScalars.append(contentsOf: scalars[Int(e.starts[t])..<Int(e.ends[t])])
                return s
            }()
            if t != range.lowerBound {
                if piece.hasPrefix("##") {
                    piece.removeFirst(2)
                } else if ![".", ",", "?", "!"].contains(piece) {
                    word.append(" ")
                }
            }
            word.append(piece)
        }
        return word
    }
}
