/// A zhner BiLSTM-CRF model (tools/train/SPEC.md): one position per code point, features from
/// characters, bigrams and a lexicon, a BiLSTM, a CRF.
struct BiLSTMModel: TokenClassifier {
    let config: BiLSTMConfig
    let encoder: BiLSTMEncoder
    let crf: CRF?
    let windowCapacity: Int
    let workspaceBytes: Int
    private let pool: WorkspacePool<BiLSTMWorkspace>

    init(directory: String, isa: ISA, limits: WorkspaceLimits) throws {
        let config = try BiLSTMConfig(contentsOf: directory + "/config.json")
        self.config = config
        // lexicon.txt is only needed when the lexicon is not compiled into the weights (INT8 folders have it compiled).
        try ModelDirectory.checkFiles(directory, needs: config.files.filter { $0.key != "lexicon" }.map(\.value))
        func path(_ key: String) -> String { directory + "/" + config.files[key]! }
        let vocabulary = try CharVocabulary(charsPath: path("chars"), bigramsPath: path("bigrams"),
                                            charCount: config.charVocabSize, bigramCount: config.bigramVocabSize)
        let file = try SafeTensors(path: path("weights"))
        let storage = WeightStorage(file: file)
        let weights = try BiLSTMWeights(storage: storage, config: config, isa: isa, threads: limits.count * limits.threads)
        let lexicon: Lexicon
        if let compiled = try Lexicon(file: file, maxWordLength: config.maxWordLength, classes: config.lexiconClasses,
                                             wordRows: config.lexiconWordRows) {
            lexicon = compiled
        } else {
            try ModelDirectory.checkFiles(directory, needs: [config.files["lexicon"]!])
            lexicon = try Lexicon(path: path("lexicon"), maxWordLength: config.maxWordLength, classes: config.lexiconClasses,
                                  wordRows: config.lexiconWordRows, storage: storage)
        }
        encoder = BiLSTMEncoder(weights: weights, vocabulary: vocabulary, lexicon: lexicon,
                                normalizer: try config.normalizer(directory: directory), isa: isa)
        crf = try BertModel.loadCRF(file, labels: config.labels.count)
        windowCapacity = limits.maxSequence
        let workspaces = (0..<limits.count).map { _ in
            BiLSTMWorkspace(config: config, maxTokens: limits.maxTokens, maxSequence: limits.maxSequence, threads: limits.threads)
        }
        workspaceBytes = workspaces.reduce(0) { $0 + $1.byteCount }
        pool = WorkspacePool(workspaces)
    }

    var labels: [String] { config.labels }

    var architecture: String {
        let c = config
        return "BiLSTM-CRF, \(c.numLayers) layer(s) × 2 directions, hidden \(c.hiddenSize); inputs: char \(c.charDim) "
            + "(\(c.charVocabSize) chars), bigrams 2×\(c.bigramDim) (\(c.bigramVocabSize)), lexicon 4×\(c.lexiconDim)"
    }

    /// One token per code point; each is its own word.
    func encode(_ scalars: ArraySlice<Unicode.Scalar>) -> Encoding {
        var e = Encoding()
        for i in scalars.indices {
            e.append(id: 0, start: Int32(i), end: Int32(i + 1), word: Int32(i - scalars.startIndex))
        }
        return e
    }

    /// Tokens are the text's own characters: no vocabulary strings.
    func tokenString(_ id: Int32) -> String? { nil }
    var hasTokenStrings: Bool { false }

    func tally(_ part: ArraySlice<Unicode.Scalar>, into tally: inout CorpusTally) {
        guard let conditioning = encoder.weights.corpora else { return }
        var previous = tally.previous ?? config.bos
        for s in part {
            let c = encoder.normalizer.apply(s)
            conditioning.add(encoder.vocabulary.bigramID(previous, c), to: &tally)
            previous = c
        }
        tally.previous = previous
    }

    func corpusGuess(_ tally: CorpusTally) -> CorpusGuess {
        guard let conditioning = encoder.weights.corpora else { return CorpusGuess() }
        return CorpusGuess(id: conditioning.detect(tally), scores: conditioning.scores(tally),
                           names: Array(conditioning.names.dropFirst()))
    }

    func emissions(_ windows: [ModelWindow], consume: (Int, UnsafePointer<Float>) -> Void) {
        pool.withWorkspace { ws in
            for range in batches(sizes: windows.map(\.tokens.count), capacity: ws.maxTokens) {
                let texts = windows[range].map { w in
                    w.scalars[Int(w.encoding.starts[w.tokens.lowerBound])..<Int(w.encoding.ends[w.tokens.upperBound - 1])]
                }
                encoder.forward(texts, corpora: windows[range].map(\.corpus), workspace: ws) { i, rows in
                    consume(range.lowerBound + i, rows)
                }
            }
        }
    }
}
