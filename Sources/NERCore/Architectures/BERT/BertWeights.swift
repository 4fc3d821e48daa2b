import CKernels

/// HF `BertForTokenClassification` tensor names (with or without the `bert.` prefix).
struct BertNames {
    let prefix: String

    init(file: SafeTensors) {
        prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil
            || file.tensors[Int8Format.embedding("bert.embeddings.word_embeddings.weight")] != nil ? "bert." : ""
    }

    var wordEmbeddings: String { prefix + "embeddings.word_embeddings.weight" }
    var positionEmbeddings: String { prefix + "embeddings.position_embeddings.weight" }
    var tokenTypeEmbeddings: String { prefix + "embeddings.token_type_embeddings.weight" }
    var embeddingNorm: String { prefix + "embeddings.LayerNorm" }
    func layer(_ i: Int) -> String { prefix + "encoder.layer.\(i)" }
    func query(_ i: Int) -> String { layer(i) + ".attention.self.query" }
    func key(_ i: Int) -> String { layer(i) + ".attention.self.key" }
    func value(_ i: Int) -> String { layer(i) + ".attention.self.value" }
    /// Q, K and V fused into one [3H, H] matrix: zhner's own name, used in INT8 files.
    func qkv(_ i: Int) -> String { layer(i) + ".attention.self.qkv" }
    func attentionOutput(_ i: Int) -> String { layer(i) + ".attention.output.dense" }
    func attentionNorm(_ i: Int) -> String { layer(i) + ".attention.output.LayerNorm" }
    func intermediate(_ i: Int) -> String { layer(i) + ".intermediate.dense" }
    func output(_ i: Int) -> String { layer(i) + ".output.dense" }
    func outputNorm(_ i: Int) -> String { layer(i) + ".output.LayerNorm" }
    static let classifier = "classifier"
}

struct LayerNormWeights: @unchecked Sendable {
    let gamma: UnsafePointer<Float>
    let beta: UnsafePointer<Float>
}

struct BertLayerWeights: Sendable {
    let qkv: Linear
    let attentionOutput: Linear
    let attentionNorm: LayerNormWeights
    let intermediate: Linear
    let output: Linear
    let outputNorm: LayerNormWeights
}

/// Every weight of a BERT token classifier, ready for the kernels.
struct BertWeights: @unchecked Sendable {
    // Pointers into `storage`, which is read-only after loading.
    let config: BertConfig
    let quantized: Bool
    let wordEmbeddings: EmbeddingTable
    let positionEmbeddings: UnsafePointer<Float>
    let tokenTypeEmbeddings: UnsafePointer<Float>
    let embeddingNorm: LayerNormWeights
    let layers: [BertLayerWeights]
    let classifier: Linear
    let storage: WeightStorage

    init(storage: WeightStorage, config c: BertConfig) throws {
        self.storage = storage
        self.config = c
        let file = storage.file
        let names = BertNames(file: file)
        quantized = try Int8Format.isQuantized(file)
        let h = c.hiddenSize
        let loader = LinearLoader(storage: storage, quantized: quantized)
        wordEmbeddings = try loader.embedding(names.wordEmbeddings, rows: c.vocabSize, width: h)
        positionEmbeddings = try storage.floats(names.positionEmbeddings, shape: [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try storage.floats(names.tokenTypeEmbeddings, shape: [c.typeVocabSize, h])
        embeddingNorm = try loader.layerNorm(names.embeddingNorm, width: h)

        var layers: [BertLayerWeights] = []
        for i in 0..<c.numHiddenLayers {
            let qkv: Linear
            if quantized {
                qkv = try loader.linear(names.qkv(i), n: 3 * h, k: h)
            } else {
                let parts = [names.query(i), names.key(i), names.value(i)]
                qkv = try loader.fusedFloatLinear(weights: parts.map { $0 + ".weight" },
                                                  bias: try parts.flatMap { try file.floats($0 + ".bias", shape: [h]) },
                                                  n: h, k: h)
            }
            layers.append(BertLayerWeights(
                qkv: qkv,
                attentionOutput: try loader.linear(names.attentionOutput(i), n: h, k: h),
                attentionNorm: try loader.layerNorm(names.attentionNorm(i), width: h),
                intermediate: try loader.linear(names.intermediate(i), n: c.intermediateSize, k: h),
                output: try loader.linear(names.output(i), n: h, k: c.intermediateSize),
                outputNorm: try loader.layerNorm(names.outputNorm(i), width: h)))
        }
        self.layers = layers
        // The classifier stays FP32 in every format: it is tiny and decides the labels.
        classifier = try LinearLoader(storage: storage, quantized: false)
            .linear(BertNames.classifier, n: c.labels.count, k: h)
    }
}
