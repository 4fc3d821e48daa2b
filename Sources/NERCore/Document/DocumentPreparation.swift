/// Text → document: the code points, their tokens, the sentences a long text is cut into and the
/// windows each sentence runs in (SentenceSplitter, Chunker), and the corpus the text resembles.
extension Recognizer {
    struct Sentence {
        let encoding: Encoding
        let windows: [TokenWindow]
    }

    struct Document {
        let scalars: [Unicode.Scalar]
        let sentences: [Sentence]
        /// `TokenClassifier.corpusGuess` of the whole text: every window of it runs conditioned alike.
        var corpus = 0
        /// What the score calibration reads of the whole text (nil unless it reads one): computed
        /// once here, since every sentence's entities share it.
        var scoreContext: ScoreCalibration.Context? = nil
    }

    /// A document of the text's sentences, with the corpus the whole text (`summary`) resembles and
    /// its calibration context.
    private func document(_ scalars: [Unicode.Scalar], _ sentences: [Sentence], _ summary: TextSummary) -> Document {
        let guess = model.corpusGuess(summary.corpus)
        return Document(scalars: scalars, sentences: sentences, corpus: guess.id,
                        scoreContext: calibration?.context(of: summary.shape, corpus: guess))
    }

    /// A text that fits one window runs whole, as the model was trained; a longer one is cut into
    /// sentences, each run alone (in overlapping windows if it is itself too long), so a long
    /// text's entities are exactly those of its sentences tagged one by one. `whole`: the text is
    /// one part of a longer one, cut at a sentence end (`recognize(part:of:...)`), whose summary
    /// that is; the part runs as the whole text does: whole if it holds all the whole text's
    /// tokens and they fit one window, else cut into sentences however short it is. (A text of
    /// several parts whose tokens all fit one window, which only long runs of spaces allow, runs
    /// sentence by sentence, unlike the same text given whole.)
    func prepare(_ text: String, partOf whole: TextSummary? = nil) -> Document {
        let scalars = Array(text.unicodeScalars)
        let capacity = model.windowCapacity
        let encoded = model.encode(scalars[...])
        let summary = whole ?? self.summary(of: scalars, tokens: encoded.count)
        guard summary.tokens != encoded.count || encoded.count > capacity else {
            let sentences = encoded.count == 0 ? [] : [Sentence(encoding: encoded, windows: [TokenWindow(tokens: 0..<encoded.count, core: 0..<encoded.count)])]
            return document(scalars, sentences, summary)
        }
        var sentences: [Sentence] = []
        var t = 0
        for range in SentenceSplitter.split(scalars[...]) {
            // Sentences end at punctuation or line breaks, which are word boundaries, so the
            // whole text's tokens slice exactly into the sentences' own tokenizations.
            let first = t
            while t < encoded.count, Int(encoded.starts[t]) < range.upperBound { t += 1 }
            guard t > first else { continue }
            for part in Self.parts(of: first..<t, limit: Self.maxSentenceTokens, cutPriority: { p in
                Recognizer.cutPriority(before: p, encoding: encoded, scalars: scalars)
            }) {
                let encoding = encoded.slice(part)
                let windows = Chunker.windows(count: encoding.count, capacity: capacity) { p in
                    Recognizer.cutPriority(before: p, encoding: encoding, scalars: scalars)
                }
                sentences.append(Sentence(encoding: encoding, windows: windows))
            }
        }
        return document(scalars, sentences, summary)
    }

    /// The most tokens one sentence holds: a longer run without a sentence break (a log line, a
    /// text with its 。 stripped) is cut into parts of at most this many, each tagged as a sentence
    /// of its own. Streams then send it piece by piece and the CRF's work per sentence stays bounded;
    /// cuts go where `cutPriority` likes them best, after a clause mark if one is near.
    static let maxSentenceTokens = 2048

    /// `range` cut into consecutive parts of at most `limit` tokens, each cut at the best place
    /// (highest `cutPriority`, rightmost on ties) in the last quarter of its part.
    static func parts(of range: Range<Int>, limit: Int, cutPriority: (Int) -> Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = range.lowerBound
        while range.upperBound - start > limit {
            let cut = Chunker.bestCut(in: (start + limit * 3 / 4 + 1)...(start + limit), cutPriority: cutPriority)
            out.append(start..<cut)
            start = cut
        }
        out.append(start..<range.upperBound)
        return out
    }

    /// Cutting a window after a clause mark beats cutting between words, which beats splitting one.
    static func cutPriority(before p: Int, encoding e: Encoding, scalars: [Unicode.Scalar]) -> Int {
        if e.wordIDs[p] == e.wordIDs[p - 1] { return 0 }
        let previous = scalars[Int(e.starts[p - 1])]
        return "，；、,;:：)）".unicodeScalars.contains(previous) ? 2 : 1
    }
}
