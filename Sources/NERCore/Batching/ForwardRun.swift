/// The forward pass of a batch of documents: every window of the chosen sentences goes to the model
/// in as few batches as its workspace holds (`TokenClassifier.emissions`), each window's core rows are
/// stitched back into its sentence's score matrix, and `decode` turns each sentence's scores into its
/// entities.
extension Recognizer {
    /// Entities per sentence for the given sentences of each document, sharing forward passes.
    func run<T>(_ work: [(doc: Document, sentences: Range<Int>)],
                        decode: (Sentence, [Float], Document) -> [T]) -> [[[T]]] {
        var jobs: [(doc: Int, sentence: Int, window: Int)] = []
        var windows: [ModelWindow] = []
        for (d, item) in work.enumerated() {
            for s in item.sentences {
                let sentence = item.doc.sentences[s]
                for (w, window) in sentence.windows.enumerated() {
                    jobs.append((d, s, w))
                    windows.append(ModelWindow(encoding: sentence.encoding, tokens: window.tokens, scalars: item.doc.scalars,
                                               corpus: item.doc.corpus))
                }
            }
        }
        var scores = work.map { item in
            item.doc.sentences.indices.map { s in
                item.sentences.contains(s) ? [Float](repeating: 0, count: item.doc.sentences[s].encoding.count * labels.count) : []
            }
        }
        model.emissions(windows) { j, rows in
            let job = jobs[j]
            let window = work[job.doc].doc.sentences[job.sentence].windows[job.window]
            copyCore(window, logits: rows, into: &scores[job.doc][job.sentence])
        }
        return work.indices.map { d in
            work[d].sentences.map { s in decode(work[d].doc.sentences[s], scores[d][s], work[d].doc) }
        }
    }

    private func copyCore(_ window: TokenWindow, logits: UnsafePointer<Float>, into out: inout [Float]) {
        let l = labels.count
        for t in window.core {
            let src = logits + (t - window.tokens.lowerBound) * l
            for j in 0..<l { out[t * l + j] = src[j] }
        }
    }
}
