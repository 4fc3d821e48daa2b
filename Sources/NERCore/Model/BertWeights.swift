import CKernels

/// Tensor names of zhner's INT8 model files, beside HF's names for everything left in float.
enum Int8Format {
    /// Not "format": transformers already writes {"format": "pt"} there.
    static let formatKey = "zhner_format"
    static let format = "zhner-int8-v1"
    static let layoutKey = "zhner_layout"
    static let layout = "zk-s8-n16k4"

    static func packed(_ prefix: String) -> String { prefix + ".weight_packed" }
    static func colsums(_ prefix: String) -> String { prefix + ".weight_colsums" }
    static func scales(_ prefix: String) -> String { prefix + ".weight_scales" }
    static func embedding(_ prefix: String) -> String { prefix + ".weight_q" }
}

/// HF `BertForTokenClassification` tensor names (with or without the `bert.` prefix).
struct BertNames {
    let prefix: String

    init(file: SafeTensors) {
        prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil
            || file.tensors[Int8Format.embedding("bert.embeddings.word_embeddings")] != nil ? "bert." : ""
    }

    var wordEmbeddings: String { prefix + "embeddings.word_embeddings" }
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
        let format = file.metadata[Int8Format.formatKey]
        if let format, format != Int8Format.format {
            throw NERError.modelFile(file.path, "unknown format \"\(format)\" (this zhner reads \(Int8Format.format))")
        }
        quantized = format == Int8Format.format
        if quantized, file.metadata[Int8Format.layoutKey] != Int8Format.layout {
            throw NERError.modelFile(file.path, "int8 layout \(file.metadata[Int8Format.layoutKey] ?? "none") is not \(Int8Format.layout)")
        }
        let h = c.hiddenSize
        let loader = LinearLoader(storage: storage, quantized: quantized)

        if quantized {
            let name = names.wordEmbeddings
            let table = try file.pointer(to: Int8Format.embedding(name), as: Int8.self, dtype: .i8, count: c.vocabSize * h)
            _ = try file.tensor(Int8Format.embedding(name), shape: [c.vocabSize, h])
            let scales = try file.pointer(to: Int8Format.scales(name), as: Float.self, dtype: .f32, count: c.vocabSize)
            wordEmbeddings = EmbeddingTable(storage: .s8(table, scales: scales), rows: c.vocabSize, width: h)
        } else {
            let table = try storage.floats(names.wordEmbeddings + ".weight", shape: [c.vocabSize, h])
            wordEmbeddings = EmbeddingTable(storage: .f32(table), rows: c.vocabSize, width: h)
        }
        positionEmbeddings = try storage.floats(names.positionEmbeddings, shape: [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try storage.floats(names.tokenTypeEmbeddings, shape: [c.typeVocabSize, h])
        embeddingNorm = try loader.layerNorm(names.embeddingNorm, width: h)

        var layers: [BertLayerWeights] = []
        for i in 0..<c.numHiddenLayers {
            let qkv: Linear
            if quantized {
                qkv = try loader.linear(names.qkv(i), n: 3 * h, k: h)
            } else {
                qkv = try loader.fusedFloatLinear([names.query(i), names.key(i), names.value(i)], n: h, k: h)
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

/// Builds `Linear` layers from either format.
struct LinearLoader {
    let storage: WeightStorage
    let quantized: Bool

    func layerNorm(_ prefix: String, width: Int) throws -> LayerNormWeights {
        LayerNormWeights(
            gamma: try storage.floats(storage.firstPresent(prefix + ".weight", prefix + ".gamma"), shape: [width]),
            beta: try storage.floats(storage.firstPresent(prefix + ".bias", prefix + ".beta"), shape: [width]))
    }

    func linear(_ prefix: String, n: Int, k: Int) throws -> Linear {
        let bias = try storage.floats(prefix + ".bias", shape: [n])
        if quantized {
            let file = storage.file
            let np = Int(zk_round_up(Int32(n), Int32(ZK_NBLOCK)))
            let kp = Int(zk_round_up(Int32(k), Int32(ZK_KGROUP)))
            _ = try file.tensor(Int8Format.packed(prefix), shape: [np, kp])
            return Linear(
                weights: .s8(
                    packed: try file.pointer(to: Int8Format.packed(prefix), as: Int8.self, dtype: .i8, count: np * kp),
                    colsums: try file.pointer(to: Int8Format.colsums(prefix), as: Int32.self, dtype: .i32, count: np),
                    scales: try file.pointer(to: Int8Format.scales(prefix), as: Float.self, dtype: .f32, count: n)),
                bias: bias, n: n, k: k)
        }
        let w = try storage.file.floats(prefix + ".weight", shape: [n, k])
        return Linear(weights: .f32(pack(w, n: n, k: k)), bias: bias, n: n, k: k)
    }

    /// Several FP layers with the same input, stacked into one (e.g. Q, K, V → one GEMM).
    func fusedFloatLinear(_ prefixes: [String], n: Int, k: Int) throws -> Linear {
        var w: [Float] = []
        var b: [Float] = []
        for p in prefixes {
            w += try storage.file.floats(p + ".weight", shape: [n, k])
            b += try storage.file.floats(p + ".bias", shape: [n])
        }
        let total = n * prefixes.count
        return Linear(weights: .f32(pack(w, n: total, k: k)), bias: storage.copy(b), n: total, k: k)
    }

    private func pack(_ w: [Float], n: Int, k: Int) -> UnsafePointer<Float> {
        let p = storage.allocate(zk_f32_packed_count(Int32(n), Int32(k)), of: Float.self)
        zk_f32_pack(w, Int32(n), Int32(k), p)
        return UnsafePointer(p)
    }
}
