import Foundation

/// A BERT token classifier loaded from an HF-style folder: tokenizer, encoder, optional CRF.
struct BertModel: TokenClassifier {
    let config: BertConfig
    let tokenizer: BertTokenizer
    let encoder: BertEncoder
    let crf: CRF?
    let windowCapacity: Int
    let workspaceBytes: Int
    private let pool: WorkspacePool<BertWorkspace>

    /// CRF tensor names, beside the classifier in `model.safetensors`.
    static let crfTransitions = "crf.transitions"
    static let crfStart = "crf.start_transitions"
    static let crfEnd = "crf.end_transitions"

    init(directory: String, isa: ISA, limits: WorkspaceLimits) throws {
        try ModelDirectory.checkFiles(directory, needs: [])
        let config = try BertConfig(contentsOf: directory + "/config.json")
        self.config = config
        // vocab.txt, else tokenizer.json (what transformers 5 saves instead); tokenizer_config.json's
        // settings win over tokenizer.json's normaliser, as transformers applies them.
        var options = BertTokenizer.Options()
        let vocabulary: Vocabulary
        if FileManager.default.fileExists(atPath: directory + "/vocab.txt") {
            vocabulary = try Vocabulary(contentsOf: URL(fileURLWithPath: directory + "/vocab.txt"))
        } else if FileManager.default.fileExists(atPath: directory + "/tokenizer.json") {
            let file = try TokenizerJSON(path: directory + "/tokenizer.json")
            vocabulary = file.vocabulary
            options = file.options
        } else {
            throw NERError.invalidModel("\(directory) has no vocab.txt (nor a tokenizer.json with the WordPiece vocabulary)")
        }
        let tokenizerConfig = directory + "/tokenizer_config.json"
        if FileManager.default.fileExists(atPath: tokenizerConfig) {
            let f = try JSONObjectFile(path: tokenizerConfig)
            options.lowercase = try f.bool("do_lower_case") ?? options.lowercase
            options.stripAccents = try f.bool("strip_accents") ?? options.stripAccents
            if try f.bool("tokenize_chinese_chars") == false {
                throw NERError.modelFile(tokenizerConfig, "tokenize_chinese_chars=false is not supported")
            }
        }
        guard vocabulary.count == config.vocabSize else {
            throw NERError.invalidModel("vocab.txt has \(vocabulary.count) tokens but config.json says vocab_size \(config.vocabSize)")
        }
        tokenizer = try BertTokenizer(vocabulary: vocabulary, options: options)
        let file = try SafeTensors(path: directory + "/model.safetensors")
        let weights = try BertWeights(storage: WeightStorage(file: file), config: config)
        let encoder = BertEncoder(weights: weights, isa: isa)
        self.encoder = encoder
        crf = try BertModel.loadCRF(file, labels: config.labels.count)
        let maxSequence = min(config.maxPositionEmbeddings, limits.maxSequence)
        guard maxSequence >= 6 else { throw NERError.invalidArgument("maxSequenceLength must be at least 6") }
        windowCapacity = maxSequence - 2
        let workspaces = (0..<limits.count).map { _ in
            encoder.makeWorkspace(maxTokens: limits.maxTokens, maxSequence: maxSequence, threads: limits.threads)
        }
        workspaceBytes = workspaces.reduce(0) { $0 + $1.byteCount }
        pool = WorkspacePool(workspaces)
    }

    static func loadCRF(_ file: SafeTensors, labels l: Int) throws -> CRF? {
        guard file.tensors[crfTransitions] != nil else { return nil }
        let transitions = try file.floats(crfTransitions, shape: [l, l])
        let start = file.tensors[crfStart] != nil ? try file.floats(crfStart, shape: [l]) : nil
        let end = file.tensors[crfEnd] != nil ? try file.floats(crfEnd, shape: [l]) : nil
        return CRF(labels: l, transitions: transitions, start: start, end: end)
    }

    var labels: [String] { config.labels }

    var architecture: String {
        let c = config
        return "BERT token classifier\(crf != nil ? " + CRF" : ""), \(c.numHiddenLayers) layers, hidden \(c.hiddenSize), "
            + "\(c.numAttentionHeads) heads, FFN \(c.intermediateSize), vocabulary \(c.vocabSize), \(c.maxPositionEmbeddings) positions"
    }

    func encode(_ scalars: ArraySlice<Unicode.Scalar>) -> Encoding { tokenizer.encode(scalars) }

    var hasTokenStrings: Bool { true }

    func tokenString(_ id: Int32) -> String? {
        id == tokenizer.unkID ? nil : tokenizer.vocabulary.tokens[Int(id)]
    }

    func emissions(_ windows: [ModelWindow], consume: (Int, UnsafePointer<Float>) -> Void) {
        let sequences = windows.map { [tokenizer.clsID] + $0.encoding.ids[$0.tokens] + [tokenizer.sepID] }
        // [CLS] and [SEP] rows are dropped: callers see the window's own tokens only.
        logits(for: sequences) { i, rows in consume(i, rows + labels.count) }
    }

    /// Raw classifier logits of token-id sequences (special tokens included), in ragged batches
    /// that fit a workspace: what the golden tests compare with the reference implementation.
    func logits(for sequences: [[Int32]], consume: (Int, UnsafePointer<Float>) -> Void) {
        pool.withWorkspace { ws in
            for range in batches(sizes: sequences.map(\.count), capacity: ws.maxTokens) {
                let batch = sequences[range]
                encoder.forward(ids: batch.flatMap { $0 }, lengths: batch.map(\.count), workspace: ws)
                var row = 0
                for (i, s) in zip(batch.indices, batch) {
                    consume(i, ws.logits + row * labels.count)
                    row += s.count
                }
            }
        }
    }
}
