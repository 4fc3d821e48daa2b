/// Tensor names of a zhner BiLSTM-CRF model (tools/train/SPEC.md §0).
enum BiLSTMNames {
    static let chars = "char_embeddings.weight"
    static let bigrams = "bigram_embeddings.weight"
    static let lexiconClasses = "lexicon_class_embeddings.weight"
    static let lexiconWords = "lexicon_word_embeddings.weight"
    static let classifier = "classifier"
    /// INT8 files: the bigram ids whose input projections are folded at load time (int32, most frequent first).
    static let foldedBigrams = "zhner.folded_bigrams"
    /// INT8 files: the (set, word row) keys whose input projections are folded (int32, most frequent first).
    static let foldedWords = "zhner.folded_words"
    static let directions = ["", "_reverse"]

    static func inputWeight(_ layer: Int, _ direction: String) -> String { "lstm.weight_ih_l\(layer)\(direction)" }
    static func recurrentWeight(_ layer: Int, _ direction: String) -> String { "lstm.weight_hh_l\(layer)\(direction)" }
    static func inputBias(_ layer: Int, _ direction: String) -> String { "lstm.bias_ih_l\(layer)\(direction)" }
    static func recurrentBias(_ layer: Int, _ direction: String) -> String { "lstm.bias_hh_l\(layer)\(direction)" }
    /// Both directions' input weights stacked ([8H, in]): zhner's own name, used in INT8 files.
    static func fusedInput(_ layer: Int) -> String { "lstm.weight_ih_l\(layer)_bidirectional" }
    /// b_ih + b_hh of both directions ([8H]), beside `fusedInput` in INT8 files.
    static func fusedBias(_ layer: Int) -> String { "lstm.bias_l\(layer)_bidirectional" }
}

struct BiLSTMLayerWeights: Sendable {
    /// x·[W_ih_forward; W_ih_backward]ᵀ + (b_ih + b_hh) of both directions: one GEMM, 8H outputs.
    /// nil for layer 0, whose projection is `BiLSTMWeights.firstInput`.
    let input: Linear?
    /// W_hh per direction (FP32: the recurrence is small and sensitive to rounding).
    let recurrent: [Linear]
}

/// Every weight of a BiLSTM-CRF model, ready for the kernels.
struct BiLSTMWeights: @unchecked Sendable {
    // Pointers into `storage`, which is read-only after loading.
    let config: BiLSTMConfig
    let quantized: Bool
    let bigrams: EmbeddingTable
    let lexiconWords: EmbeddingTable?
    let firstInput: FoldedInputProjection
    let layers: [BiLSTMLayerWeights]
    let classifier: Linear
    /// Per-corpus conditioning, when the model was trained with a corpus embedding.
    let corpora: CorpusConditioning?
    let storage: WeightStorage

    /// `threads`: workers for the load-time folding (FoldedInputProjection).
    init(storage: WeightStorage, config c: BiLSTMConfig, isa: ISA, threads: Int) throws {
        self.storage = storage
        config = c
        let file = storage.file
        quantized = try Int8Format.isQuantized(file)
        let loader = LinearLoader(storage: storage, quantized: quantized)
        // The char and lexicon-class tables are only read here: the folded projection replaces them.
        let chars = try loader.embedding(BiLSTMNames.chars, rows: c.charVocabSize, width: c.charDim)
        bigrams = try loader.embedding(BiLSTMNames.bigrams, rows: c.bigramVocabSize, width: c.bigramDim)
        let lexiconClasses = try storage.floats(BiLSTMNames.lexiconClasses, shape: [c.lexiconClasses, c.lexiconDim])
        lexiconWords = c.lexiconWordRows > 0
            ? try loader.embedding(BiLSTMNames.lexiconWords, rows: c.lexiconWordRows, width: c.lexiconDim) : nil
        let h = c.hiddenSize
        let first: FoldedInputProjection.Weights
        let firstBias: UnsafePointer<Float>
        if quantized {
            let packed = try loader.linear(weight: BiLSTMNames.fusedInput(0), bias: nil, n: 8 * h, k: c.inputSize)
            guard case .s8(let values, _, let scales) = packed.weights else { preconditionFailure("INT8 layer expected") }
            first = .s8(FoldedInputProjection.unpack(values, n: 8 * h, k: c.inputSize), scales: scales)
            firstBias = try storage.floats(BiLSTMNames.fusedBias(0), shape: [8 * h])
        } else {
            first = .f32(try loader.stackedFloats(BiLSTMNames.directions.map { BiLSTMNames.inputWeight(0, $0) },
                                                  n: 4 * h, k: c.inputSize))
            firstBias = storage.copy(try BiLSTMWeights.fusedBias(file, layer: 0, hidden: h))
        }
        firstInput = FoldedInputProjection(weights: first, bias: firstBias, config: c, chars: chars, bigrams: bigrams,
                                           foldedBigrams: try BiLSTMWeights.foldList(file, BiLSTMNames.foldedBigrams,
                                                                                     below: c.bigramVocabSize, what: "bigram ids"),
                                           classes: lexiconClasses, words: lexiconWords,
                                           foldedWords: try BiLSTMWeights.foldList(file, BiLSTMNames.foldedWords,
                                                                                   below: 4 * c.lexiconWordRows, what: "word keys"),
                                           storage: storage, isa: isa, threads: threads)
        var layers: [BiLSTMLayerWeights] = []
        for layer in 0..<c.numLayers {
            var input: Linear?
            if layer > 0 {
                input = quantized
                    ? try loader.linear(weight: BiLSTMNames.fusedInput(layer),
                                        bias: try storage.floats(BiLSTMNames.fusedBias(layer), shape: [8 * h]),
                                        n: 8 * h, k: 2 * h)
                    : try loader.fusedFloatLinear(
                        weights: BiLSTMNames.directions.map { BiLSTMNames.inputWeight(layer, $0) },
                        bias: try BiLSTMWeights.fusedBias(file, layer: layer, hidden: h), n: 4 * h, k: 2 * h)
            }
            let recurrent = try BiLSTMNames.directions.map {
                try loader.floatLinear(file.floats(BiLSTMNames.recurrentWeight(layer, $0), shape: [4 * h, h]),
                                       bias: nil, n: 4 * h, k: h)
            }
            layers.append(BiLSTMLayerWeights(input: input, recurrent: recurrent))
        }
        self.layers = layers
        classifier = try LinearLoader(storage: storage, quantized: false)
            .linear(BiLSTMNames.classifier, n: c.labels.count, k: 2 * h)
        corpora = try CorpusConditioning(storage: storage, config: c)
    }

    /// The bigram ids or word keys `zhner quantize --calibration` chose to fold, most frequent first
    /// ([] if the file has no such list).
    static func foldList(_ file: SafeTensors, _ name: String, below limit: Int, what: String) throws -> [Int] {
        guard let t = file.tensors[name] else { return [] }
        let ids = try file.pointer(to: name, as: Int32.self, dtype: .i32, count: t.elementCount)
        let list = (0..<t.elementCount).map { Int(ids[$0]) }
        guard t.shape == [list.count], list.allSatisfy({ (0..<limit).contains($0) }), Set(list).count == list.count else {
            throw NERError.modelFile(file.path, "tensor \(name) must list distinct \(what) below \(limit)")
        }
        return list
    }

    /// b_ih + b_hh for the forward then the backward direction: both biases fold into the input GEMM.
    static func fusedBias(_ file: SafeTensors, layer: Int, hidden h: Int) throws -> [Float] {
        try BiLSTMNames.directions.flatMap { d in
            let a = try file.floats(BiLSTMNames.inputBias(layer, d), shape: [4 * h])
            let b = try file.floats(BiLSTMNames.recurrentBias(layer, d), shape: [4 * h])
            return zip(a, b).map { $0 + $1 }
        }
    }
}
