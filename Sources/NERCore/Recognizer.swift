import Foundation

/// The public entry point: a named-entity recognizer over one loaded model.
///
/// A text goes through the stages the folders are named after: `prepare` (Document/: code points,
/// tokens, sentences, windows, the corpus it resembles) → `run` (Batching/: windows batched into
/// forward passes of the model, Architectures/, on the kernels of Compute/) → `decode` (Decoding/:
/// labels, spans, scores) → entities (Output/, where lexicon and pattern entities join them).
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
        let documents = texts.map { prepare($0) }
        return run(documents.map { ($0, $0.sentences.indices) }, decode: decode).map { $0.flatMap { $0 } }
    }

    /// Entities of each text as transformers' `pipeline("ner", aggregation_strategy="simple")`
    /// reports them (see `decodePipeline` for what is the same and what differs).
    public func recognizePipeline(batch texts: [String]) -> [[PipelineEntity]] {
        let documents = texts.map { prepare($0) }
        return run(documents.map { ($0, $0.sentences.indices) }, decode: decodePipeline).map { $0.flatMap { $0 } }
    }

    /// A text piece by piece, for streaming: consecutive sentences are grouped into pieces of about
    /// `pieceTokens` tokens and `onPiece(entities, processed, total)` is called after each, in text
    /// order, with the code points covered so far. The entities are exactly `recognize(text)`'s.
    /// `isCancelled` is asked before each piece: once it says yes no further piece is computed (the
    /// server stops a text whose client has gone).
    public func recognize(_ text: String, pieceTokens: Int, isCancelled: () -> Bool = { false },
                          onPiece: ([Entity], Int, Int) -> Void) {
        recognize(prepare(text), pieceTokens: pieceTokens, isCancelled: isCancelled, onPiece: onPiece)
    }

    func recognize(_ doc: Document, pieceTokens: Int, isCancelled: () -> Bool, onPiece: ([Entity], Int, Int) -> Void) {
        for piece in batches(sizes: doc.sentences.map(\.encoding.count), capacity: pieceTokens) {
            if isCancelled() { return }
            let entities = run([(doc, piece)], decode: decode)[0].flatMap { $0 }
            let last = doc.sentences[piece.upperBound - 1].encoding
            let processed = piece.upperBound == doc.sentences.count ? doc.scalars.count : Int(last.ends[last.count - 1])
            onPiece(entities, processed, doc.scalars.count)
        }
        if doc.sentences.isEmpty { onPiece([], doc.scalars.count, doc.scalars.count) }
    }
}
