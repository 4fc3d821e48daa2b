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
    let model: BertModel
    /// Tokens per window, special tokens excluded.
    let windowCapacity: Int
    let pool: WorkspacePool

    public init(modelDirectory: String, options: Options = Options()) throws {
        guard options.threads >= 1, options.concurrency >= 1 else {
            throw NERError.invalidArgument("threads and concurrency must be at least 1")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: modelDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NERError.invalidModel("\(modelDirectory) is not a directory (pass a model folder with config.json, vocab.txt, model.safetensors)")
        }
        try ModelDirectory.checkFiles(modelDirectory)
        let isa = try options.isa ?? ISA.fromEnvironment()
        guard isa.isSupported else { throw NERError.invalidArgument("this CPU cannot run the \(isa.rawValue) kernels") }
        let config = try BertConfig(contentsOf: modelDirectory + "/config.json")
        model = try BertModel(directory: modelDirectory, config: config, isa: isa)
        let maxSequence = min(config.maxPositionEmbeddings, options.maxSequenceLength)
        guard maxSequence >= 6 else { throw NERError.invalidArgument("maxSequenceLength must be at least 6") }
        guard options.maxBatchTokens >= maxSequence else {
            throw NERError.invalidArgument("maxBatchTokens (\(options.maxBatchTokens)) must hold one full window of \(maxSequence) tokens")
        }
        windowCapacity = maxSequence - 2
        self.modelDirectory = modelDirectory
        self.options = options
        self.isa = isa
        labels = config.labels
        scheme = LabelScheme(labels: config.labels)
        let encoder = model.encoder
        pool = WorkspacePool((0..<options.concurrency).map { _ in
            encoder.makeWorkspace(maxTokens: options.maxBatchTokens, maxSequence: maxSequence, threads: options.threads)
        })
    }

    /// Entity types the model knows, in label order.
    public var entityTypes: [String] { scheme.types }

    /// Whether the model decodes with a CRF.
    public var hasCRF: Bool { model.crf != nil }

    /// Bytes of all preallocated workspaces.
    public var workspaceBytes: Int { pool.byteCount }

    public var config: BertConfig { model.config }

    /// Entities of one text, sorted by start.
    public func recognize(_ text: String) -> [Entity] {
        recognize(batch: [text])[0]
    }

    /// Entities of each text, in order; texts share forward passes.
    public func recognize(batch texts: [String]) -> [[Entity]] {
        let documents = texts.map(prepare)
        var jobs: [(doc: Int, sentence: Int, window: Int)] = []
        for (d, doc) in documents.enumerated() {
            for (s, sentence) in doc.sentences.enumerated() {
                for w in sentence.windows.indices { jobs.append((d, s, w)) }
            }
        }
        var scores = documents.map { $0.sentences.map { [Float](repeating: 0, count: $0.encoding.count * labels.count) } }
        pool.withWorkspace { ws in
            var start = 0
            while start < jobs.count {
                var ids: [Int32] = []
                var lengths: [Int] = []
                var end = start
                while end < jobs.count {
                    let job = jobs[end]
                    let sentence = documents[job.doc].sentences[job.sentence]
                    let window = sentence.windows[job.window]
                    guard ids.count + window.tokens.count + 2 <= ws.maxTokens else { break }
                    ids.append(model.tokenizer.clsID)
                    ids += sentence.encoding.ids[window.tokens]
                    ids.append(model.tokenizer.sepID)
                    lengths.append(window.tokens.count + 2)
                    end += 1
                }
                model.encoder.forward(ids: ids, lengths: lengths, workspace: ws)
                var row = 0
                for j in start..<end {
                    let job = jobs[j]
                    let window = documents[job.doc].sentences[job.sentence].windows[job.window]
                    copyCore(window, logits: ws.logits + (row + 1) * labels.count, into: &scores[job.doc][job.sentence])
                    row += lengths[j - start]
                }
                start = end
            }
        }
        return documents.indices.map { d in
            documents[d].sentences.indices.flatMap { s in
                decode(documents[d].sentences[s], scores: scores[d][s], scalars: documents[d].scalars)
            }
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
    }

    /// A text that fits one window runs whole, as the model was trained; a longer one is cut into
    /// sentences, each run alone (in overlapping windows if it is itself too long), so a long
    /// text's entities are exactly those of its sentences tagged one by one.
    func prepare(_ text: String) -> Document {
        let scalars = Array(text.unicodeScalars)
        let capacity = windowCapacity
        let whole = model.tokenizer.encode(scalars[...])
        guard whole.count > capacity else {
            let sentences = whole.count == 0 ? [] : [Sentence(encoding: whole, windows: [TokenWindow(tokens: 0..<whole.count, core: 0..<whole.count)])]
            return Document(scalars: scalars, sentences: sentences)
        }
        var sentences: [Sentence] = []
        var t = 0
        for range in SentenceSplitter.split(scalars[...]) {
            // Sentences end at punctuation or line breaks, which are word boundaries, so the
            // whole text's tokens slice exactly into the sentences' own tokenizations.
            let first = t
            while t < whole.count, Int(whole.starts[t]) < range.upperBound { t += 1 }
            guard t > first else { continue }
            let encoding = whole.slice(first..<t)
            let windows = Chunker.windows(count: encoding.count, capacity: capacity) { p in
                Recognizer.cutPriority(before: p, encoding: encoding, scalars: scalars)
            }
            sentences.append(Sentence(encoding: encoding, windows: windows))
        }
        return Document(scalars: scalars, sentences: sentences)
    }

    /// Cutting a window after a clause mark beats cutting between words, which beats splitting one.
    static func cutPriority(before p: Int, encoding e: Encoding, scalars: [Unicode.Scalar]) -> Int {
        if e.wordIDs[p] == e.wordIDs[p - 1] { return 0 }
        let previous = scalars[Int(e.starts[p - 1])]
        return "，；、,;:：)）".unicodeScalars.contains(previous) ? 2 : 1
    }

    /// Labels per token (CRF Viterbi or argmax), aggregated per word by its first token, then spans.
    func decode(_ sentence: Sentence, scores: [Float], scalars: [Unicode.Scalar]) -> [Entity] {
        let l = labels.count
        let e = sentence.encoding
        let n = e.count
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
        return scheme.spans(wordLabels).map { span in
            let first = wordFirst[span.start]
            let last = wordLast[span.end - 1]
            var total: Float = 0
            for w in span.start..<span.end { total += probabilities[wordFirst[w] * l + wordLabels[w]] }
            let start = Int(e.starts[first])
            let end = Int(e.ends[last])
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<end])
            return Entity(type: span.type, start: start, end: end, text: text,
                          score: total / Float(span.end - span.start))
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

/// Preallocated workspaces lent to one forward pass at a time.
final class WorkspacePool: Sendable {
    private let free: Mutex<[Workspace]>
    private let available: DispatchSemaphore
    let byteCount: Int

    init(_ workspaces: [Workspace]) {
        free = Mutex(workspaces)
        available = DispatchSemaphore(value: workspaces.count)
        byteCount = workspaces.reduce(0) { $0 + $1.byteCount }
    }

    func withWorkspace<R>(_ body: (Workspace) throws -> R) rethrows -> R {
        available.wait()
        let ws = free.withLock { $0.removeLast() }
        defer {
            free.withLock { $0.append(ws) }
            available.signal()
        }
        return try body(ws)
    }
}

extension Recognizer {
    /// Raw classifier logits for token-id sequences (special tokens included), run as one ragged
    /// batch: what the golden tests compare with the reference implementation.
    func logits(for sequences: [[Int32]]) -> [[Float]] {
        pool.withWorkspace { ws in
            let l = labels.count
            var out: [[Float]] = []
            var start = 0
            while start < sequences.count {
                var end = start
                var tokens = 0
                while end < sequences.count, tokens + sequences[end].count <= ws.maxTokens {
                    tokens += sequences[end].count
                    end += 1
                }
                let batch = sequences[start..<end]
                model.encoder.forward(ids: batch.flatMap { $0 }, lengths: batch.map(\.count), workspace: ws)
                var row = 0
                for s in batch {
                    out.append(Array(UnsafeBufferPointer(start: ws.logits + row * l, count: s.count * l)))
                    row += s.count
                }
                start = end
            }
            return out
        }
    }
}
