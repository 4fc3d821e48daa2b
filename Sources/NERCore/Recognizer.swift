import Dispatch
import Foundation
import Synchronization

/// The public entry point: a named-entity recognizer over one loaded model.
///
/// One instance is meant to be shared: `recognize` may be called from many threads at once.
/// Each call borrows one of `Options.concurrency` preallocated workspaces (waiting if all are in
/// use), so memory stays what it was after loading, whatever the load.
public final class Recognizer: Sendable {
    public struct Options: Sendable {
        /// Threads one forward pass uses (intra-op parallelism).
        public var threads: Int
        /// Forward passes that may run at once, each with its own workspace.
        public var concurrency: Int
        /// Most tokens (special tokens included) run in one forward pass.
        public var maxBatchTokens: Int
        /// Most tokens of one window, special tokens included; the model's own limit caps it.
        public var maxSequenceLength: Int
        /// Kernel path; `nil` reads `ZHNER_ISA` or takes the best this CPU has.
        public var isa: ISA?

        public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, concurrency: Int = 1,
                    maxBatchTokens: Int = 2048, maxSequenceLength: Int = 512, isa: ISA? = nil)
        {
            self.threads = threads
            self.concurrency = concurrency
            self.maxBatchTokens = maxBatchTokens
            self.maxSequenceLength = maxSequenceLength
            self.isa = isa
        }
    }

    public let modelDirectory: String
    public let options: Options
    public let isa: ISA
    public let labels: [String]
    public let scheme: LabelScheme
    let model: any TokenClassifier
    /// The model's score calibration (config.json `score_calibration`), if it has one.
    let calibration: ScoreCalibration?

    public init(modelDirectory: String, options: Options = Options()) throws {
        guard options.threads >= 1, options.concurrency >= 1 else {
            throw NERError.invalidArgument("threads and concurrency must be at least 1")
        }
        guard options.maxSequenceLength >= 6, options.maxBatchTokens >= options.maxSequenceLength else {
            throw NERError.invalidArgument("maxBatchTokens (\(options.maxBatchTokens)) must hold one window of maxSequenceLength (\(options.maxSequenceLength) ≥ 6) tokens")
        }
        let isa = try options.isa ?? ISA.fromEnvironment()
        guard isa.isSupported else { throw NERError.invalidArgument("this CPU cannot run the \(isa.rawValue) kernels") }
        model = try ModelDirectory.load(modelDirectory, isa: isa, limits: WorkspaceLimits(
            maxTokens: options.maxBatchTokens, maxSequence: options.maxSequenceLength,
            threads: options.threads, count: options.concurrency))
        calibration = try ScoreCalibration.load(configPath: modelDirectory + "/config.json")
        self.modelDirectory = modelDirectory
        self.options = options
        self.isa = isa
        labels = model.labels
        scheme = LabelScheme(labels: model.labels)
    }

    /// Entity types the model knows, in label order.
    public var entityTypes: [String] { scheme.types }

    /// Whether the model decodes with a CRF.
    public var hasCRF: Bool { model.crf != nil }

    /// Bytes of all preallocated workspaces.
    public var workspaceBytes: Int { model.workspaceBytes }

    /// The model's architecture in one line.
    public var architecture: String { model.architecture }

    /// Entities of one text, sorted by start.
    public func recognize(_ text: String) -> [Entity] {
        recognize(batch: [text])[0]
    }

    /// Entities of each text, in order; texts share forward passes.
    public func recognize(batch texts: [String]) -> [[Entity]] {
        let documents = texts.map(prepare)
        return run(documents.map { ($0, $0.sentences.indices) }, decode: decode).map { $0.flatMap { $0 } }
    }

    /// Entities of each text as transformers' `pipeline("ner", aggregation_strategy="simple")`
    /// reports them (see `decodePipeline` for what is the same and what differs).
    public func recognizePipeline(batch texts: [String]) -> [[PipelineEntity]] {
        let documents = texts.map(prepare)
        return run(documents.map { ($0, $0.sentences.indices) }, decode: decodePipeline).map { $0.flatMap { $0 } }
    }

    /// A text piece by piece, for streaming: consecutive sentences are grouped into pieces of about
    /// `pieceTokens` tokens and `onPiece(entities, processed, total)` is called after each, in text
    /// order, with the code points covered so far. The entities are exactly `recognize(text)`'s.
    /// `isCancelled` is asked before each piece: once it says yes no further piece is computed (the
    /// server stops a text whose client has gone).
    public func recognize(_ text: String, pieceTokens: Int, isCancelled: () -> Bool = { false },
                          onPiece: ([Entity], Int, Int) -> Void) {
        let doc = prepare(text)
        for piece in batches(sizes: doc.sentences.map(\.encoding.count), capacity: pieceTokens) {
            if isCancelled() { return }
            let entities = run([(doc, piece)], decode: decode)[0].flatMap { $0 }
            let last = doc.sentences[piece.upperBound - 1].encoding
            let processed = piece.upperBound == doc.sentences.count ? doc.scalars.count : Int(last.ends[last.count - 1])
            onPiece(entities, processed, doc.scalars.count)
        }
        if doc.sentences.isEmpty { onPiece([], doc.scalars.count, doc.scalars.count) }
    }

    /// Entities per sentence for the given sentences of each document, sharing forward passes.
    private func run<T>(_ work: [(doc: Document, sentences: Range<Int>)],
                        decode: (Sentence, [Float], [Unicode.Scalar]) -> [T]) -> [[[T]]] {
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
            work[d].sentences.map { s in decode(work[d].doc.sentences[s], scores[d][s], work[d].doc.scalars) }
        }
    }

    private func copyCore(_ window: TokenWindow, logits: UnsafePointer<Float>, into out: inout [Float]) {
        let l = labels.count
        for t in window.core {
            let src = logits + (t - window.tokens.lowerBound) * l
            for j in 0..<l { out[t * l + j] = src[j] }
        }
    }

    struct Sentence {
        let encoding: Encoding
        let windows: [TokenWindow]
    }

    struct Document {
        let scalars: [Unicode.Scalar]
        let sentences: [Sentence]
        /// `TokenClassifier.corpus(of:)` of the whole text: every window of it runs conditioned alike.
        var corpus = 0
    }

    /// A text that fits one window runs whole, as the model was trained; a longer one is cut into
    /// sentences, each run alone (in overlapping windows if it is itself too long), so a long
    /// text's entities are exactly those of its sentences tagged one by one.
    func prepare(_ text: String) -> Document {
        let scalars = Array(text.unicodeScalars)
        let capacity = model.windowCapacity
        let whole = model.encode(scalars[...])
        guard whole.count > capacity else {
            let sentences = whole.count == 0 ? [] : [Sentence(encoding: whole, windows: [TokenWindow(tokens: 0..<whole.count, core: 0..<whole.count)])]
            return Document(scalars: scalars, sentences: sentences, corpus: model.corpus(of: scalars))
        }
        var sentences: [Sentence] = []
        var t = 0
        for range in SentenceSplitter.split(scalars[...]) {
            // Sentences end at punctuation or line breaks, which are word boundaries, so the
            // whole text's tokens slice exactly into the sentences' own tokenizations.
            let first = t
            while t < whole.count, Int(whole.starts[t]) < range.upperBound { t += 1 }
            guard t > first else { continue }
            for part in Self.parts(of: first..<t, limit: Self.maxSentenceTokens, cutPriority: { p in
                Recognizer.cutPriority(before: p, encoding: whole, scalars: scalars)
            }) {
                let encoding = whole.slice(part)
                let windows = Chunker.windows(count: encoding.count, capacity: capacity) { p in
                    Recognizer.cutPriority(before: p, encoding: encoding, scalars: scalars)
                }
                sentences.append(Sentence(encoding: encoding, windows: windows))
            }
        }
        return Document(scalars: scalars, sentences: sentences, corpus: model.corpus(of: scalars))
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

    /// A label per token (CRF Viterbi, else argmax) and every label's probability per token
    /// (CRF marginals, else softmax), row-major.
    private func tokenLabels(_ scores: [Float], tokens n: Int) -> (labels: [Int], probabilities: [Float]) {
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
    func decode(_ sentence: Sentence, scores: [Float], scalars: [Unicode.Scalar]) -> [Entity] {
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
                          score: calibrated(span.type, total / Float(words.count)))
        }
    }

    /// An entity's score as the model's calibration maps it (the raw mean where it has none).
    private func calibrated(_ type: String, _ raw: Float) -> Float {
        calibration?.apply(type: type, score: raw) ?? raw
    }

    /// Whether every code point of `s` is whitespace, a control character, a BOM or a zero-width
    /// space: what an entity must not start or end with.
    static func isBlank(_ s: ArraySlice<Unicode.Scalar>) -> Bool {
        s.allSatisfy { c in
            c.properties.isWhitespace || c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c == "\u{FEFF}" || c == "\u{200B}"
        }
    }

    /// transformers' "simple" aggregation over this sentence's tokens: each token keeps its own
    /// label (no word grouping) and that label's probability; consecutive tokens join a group while
    /// the label continues it (same type, not a B-); groups of O are dropped; the score is the mean
    /// of the group's token probabilities and `word` the WordPiece decoding of its tokens. For a
    /// BIO model without CRF this is exactly the pipeline's output. Beyond it: a CRF model gives
    /// Viterbi labels with marginal probabilities, and E-/S- labels close a group (transformers
    /// would report "E-PER" as a type of its own).
    func decodePipeline(_ sentence: Sentence, scores: [Float], scalars: [Unicode.Scalar]) -> [PipelineEntity] {
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
            out.append(PipelineEntity(entityGroup: g.type, score: calibrated(g.type, sum / Float(g.last - g.first + 1)),
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
