import CKernels
import Foundation

/// `zhner quantize`: turns an FP32/FP16/BF16 model folder into an INT8 one.
///
/// Linear layers become per-output-channel symmetric int8, pre-packed for the kernels (Q, K and V
/// fused into one matrix), with F32 scales and int32 column sums beside them; the word embedding
/// table becomes int8 with one scale per row. LayerNorms, position/type embeddings, the
/// classifier and any CRF stay F32. The result is still a valid safetensors file.
public enum Quantizer {
    /// `calibration`: a text (one sentence per line) whose `foldBigrams` most frequent bigrams and
    /// `foldWords` most frequent (word, set) pairs a BiLSTM-CRF folds into tables at load time
    /// (FoldCalibration); nil folds none. Returns the entries of `input` left out of `output`
    /// because no INT8 folder reads them (other weights such as a model.onnx, notes, ...).
    @discardableResult
    public static func quantize(input: String, output: String, calibration: String? = nil, foldBigrams: Int = 8192,
                                foldWords: Int = 8192) throws -> [String]
    {
        guard FileManager.default.fileExists(atPath: input + "/config.json") else {
            throw NERError.invalidModel("\(input) has no config.json")
        }
        try ModelDirectory.checkFiles(input, needs: [])
        let configFile = try JSONObjectFile(path: input + "/config.json")
        let type = try configFile.string("model_type", default: "bert")
        var job = QuantizationJob(file: try SafeTensors(path: input + "/model.safetensors"))
        if let format = job.file.metadata[Int8Format.formatKey] {
            throw NERError.invalidModel("\(input) is already quantized (\(format))")
        }
        // Source files the INT8 folder does not need: a BiLSTM's lexicon is compiled into its weights.
        var compiledIn: Set<String> = ["model.safetensors"]
        // Files the config's "files" map names (a BiLSTM's tables, a newer model's charmap): copied.
        var declared = Array(try configFile.files().values)
        switch type {
        case BiLSTMConfig.modelType:
            let config = try BiLSTMConfig(contentsOf: input + "/config.json")
            try job.quantizeBiLSTM(config)
            let lexicon = try job.compileLexicon(input + "/" + config.files["lexicon"]!, config: config)
            compiledIn.insert(config.files["lexicon"]!)
            declared += config.files.values
            if let calibration {
                let files = config.files
                let vocabulary = try CharVocabulary(charsPath: input + "/" + files["chars"]!, bigramsPath: input + "/" + files["bigrams"]!,
                                                    charCount: config.charVocabSize, bigramCount: config.bigramVocabSize)
                let text = try FoldCalibration(textPath: calibration, normalizer: try config.normalizer(directory: input))
                let bigrams = text.bigrams(vocabulary: vocabulary, config: config, limit: foldBigrams)
                job.writer.add(BiLSTMNames.foldedBigrams, bigrams.map(Int32.init), dtype: .i32, shape: [bigrams.count])
                let words = text.words(lexicon: lexicon, config: config, limit: foldWords)
                job.writer.add(BiLSTMNames.foldedWords, words.map(Int32.init), dtype: .i32, shape: [words.count])
            }
        case "bert" where calibration != nil:
            throw NERError.invalidArgument("--calibration applies to \(BiLSTMConfig.modelType) models only")
        case "bert":
            try job.quantizeBert(try BertConfig(contentsOf: input + "/config.json"))
        default:
            throw NERError.invalidModel("model_type \"\(type)\" cannot be quantized (bert, \(BiLSTMConfig.modelType))")
        }
        try job.keepRemainingAsFloat()

        // Only what a model folder is read for, so a large model.onnx or checkpoint beside the
        // weights does not double the disk the copy needs: the config, the tokenizer files, and
        // what the config declares.
        let needed = Set(["config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"] + declared)
            .subtracting(compiledIn)
        let fm = FileManager.default
        var skipped: [String] = []
        do {
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
            for item in needed.sorted() where fm.fileExists(atPath: input + "/" + item) {
                let target = URL(fileURLWithPath: output + "/" + item)
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
                try fm.copyItem(atPath: input + "/" + item, toPath: target.path)
            }
            // A declared "tables/charmap.txt" keeps its folder "tables" from counting as skipped.
            let kept = Set(needed.map { String($0.split(separator: "/").first ?? Substring($0)) }).union(compiledIn)
            skipped = try fm.contentsOfDirectory(atPath: input).filter { !kept.contains($0) }.sorted()
        } catch {
            throw NERError.io("cannot write \(output): \(error.localizedDescription)")
        }
        try job.writer.write(to: output + "/model.safetensors")
        return skipped
    }
}

/// One quantization: tensors taken from the float file, written to the INT8 one.
struct QuantizationJob {
    let file: SafeTensors
    var writer = SafeTensorsWriter()
    private var consumed = Set<String>()

    init(file: SafeTensors) { self.file = file }

    mutating func take(_ name: String, shape: [Int]) throws -> [Float] {
        consumed.insert(name)
        return try file.floats(name, shape: shape)
    }

    mutating func quantizeLinear(_ prefix: String, n: Int, k: Int) throws {
        writer.addQuantized(prefix + ".weight", try take(prefix + ".weight", shape: [n, k]), n: n, k: k)
        writer.add(prefix + ".bias", try take(prefix + ".bias", shape: [n]), dtype: .f32, shape: [n])
    }

    mutating func quantizeEmbedding(_ name: String, rows: Int, width: Int) throws {
        writer.addQuantizedRows(name, try take(name, shape: [rows, width]), rows: rows, width: width)
    }

    /// Word embeddings int8 per row; every encoder linear layer int8 (Q, K, V fused).
    mutating func quantizeBert(_ c: BertConfig) throws {
        let names = BertNames(file: file)
        let h = c.hiddenSize
        try quantizeEmbedding(names.wordEmbeddings, rows: c.vocabSize, width: h)
        for i in 0..<c.numHiddenLayers {
            var w: [Float] = []
            var b: [Float] = []
            for p in [names.query(i), names.key(i), names.value(i)] {
                w += try take(p + ".weight", shape: [h, h])
                b += try take(p + ".bias", shape: [h])
            }
            writer.addQuantized(names.qkv(i) + ".weight", w, n: 3 * h, k: h)
            writer.add(names.qkv(i) + ".bias", b, dtype: .f32, shape: [3 * h])
            try quantizeLinear(names.attentionOutput(i), n: h, k: h)
            try quantizeLinear(names.intermediate(i), n: c.intermediateSize, k: h)
            try quantizeLinear(names.output(i), n: h, k: c.intermediateSize)
        }
    }

    /// Char, bigram and lexicon-word embeddings int8 per row; each layer's input projections of
    /// both directions fused and int8, with b_ih + b_hh folded; recurrent weights stay F32.
    mutating func quantizeBiLSTM(_ c: BiLSTMConfig) throws {
        try quantizeEmbedding(BiLSTMNames.chars, rows: c.charVocabSize, width: c.charDim)
        try quantizeEmbedding(BiLSTMNames.bigrams, rows: c.bigramVocabSize, width: c.bigramDim)
        if c.lexiconWordRows > 0 {
            try quantizeEmbedding(BiLSTMNames.lexiconWords, rows: c.lexiconWordRows, width: c.lexiconDim)
        }
        let h = c.hiddenSize
        for layer in 0..<c.numLayers {
            let inputs = layer == 0 ? c.inputSize : 2 * h
            var w: [Float] = []
            for d in BiLSTMNames.directions {
                w += try take(BiLSTMNames.inputWeight(layer, d), shape: [4 * h, inputs])
                consumed.insert(BiLSTMNames.inputBias(layer, d))
                consumed.insert(BiLSTMNames.recurrentBias(layer, d))
            }
            writer.addQuantized(BiLSTMNames.fusedInput(layer), w, n: 8 * h, k: inputs)
            writer.add(BiLSTMNames.fusedBias(layer), try BiLSTMWeights.fusedBias(file, layer: layer, hidden: h),
                       dtype: .f32, shape: [8 * h])
        }
    }

    /// The lexicon as a breadth-first trie, so loading maps it instead of parsing lexicon.txt.
    /// Also returns the lexicon, for the calibration.
    mutating func compileLexicon(_ path: String, config c: BiLSTMConfig) throws -> Lexicon {
        let lexicon = try Lexicon(path: path, maxWordLength: c.maxWordLength, classes: c.lexiconClasses,
                                  wordRows: c.lexiconWordRows, storage: WeightStorage(file: file))
        let t = lexicon.tensors()
        let n = t.edge.count
        writer.add(Lexicon.Names.childStart, t.childStart, dtype: .i32, shape: [n + 1])
        writer.add(Lexicon.Names.edge, t.edge, dtype: .i32, shape: [n])
        writer.add(Lexicon.Names.wordClass, t.wordClass, dtype: .u8, shape: [n])
        writer.add(Lexicon.Names.wordRow, t.wordRow, dtype: .i32, shape: [n])
        writer.add(Lexicon.Names.wordWeight, t.wordWeight, dtype: .u8, shape: [n])
        return lexicon
    }

    /// Everything not quantized (norms, position embeddings, recurrent weights, classifier, CRF) as F32.
    mutating func keepRemainingAsFloat() throws {
        for (name, t) in file.tensors where !consumed.contains(name) && t.dtype.isFloatWeight {
            writer.add(name, try file.floats(name), dtype: .f32, shape: t.shape)
        }
        let types = Set(file.tensors.values.filter { $0.dtype.isFloatWeight }.map(\.dtype.rawValue))
        writer.metadata = [Int8Format.formatKey: Int8Format.format, Int8Format.layoutKey: Int8Format.layout,
                           "source_dtype": types.sorted().joined(separator: ",")]
    }
}

/// Rows quantized to int8 with one symmetric scale each (embedding tables).
struct QuantizedRows {
    var values: [Int8]
    var scales: [Float]

    init(_ x: [Float], rows: Int, width: Int) {
        values = [Int8](repeating: 0, count: rows * width)
        scales = [Float](repeating: 1, count: rows)
        let stride = Int(zk_round_up(Int32(width), Int32(ZK_KGROUP)))
        var row = [Int8](repeating: 0, count: stride)
        for r in 0..<rows {
            x.withUnsafeBufferPointer { xp in
                zk_quantize_rows_s8(1, Int32(width), xp.baseAddress! + r * width, Int32(width), &row, Int32(stride), &scales[r])
            }
            for j in 0..<width { values[r * width + j] = row[j] }
        }
    }
}

/// Per-output-channel symmetric int8 quantization of a row-major N×K weight matrix, packed for
/// the kernels with the column sums the VNNI path needs.
struct QuantizedMatrix {
    var packed: [Int8]
    var colsums: [Int32]
    var scales: [Float]

    init(weights w: [Float], n: Int, k: Int) {
        let rows = QuantizedRows(w, rows: n, width: k)
        scales = rows.scales
        (packed, colsums) = Self.pack(rows.values, n: n, k: k)
    }

    /// Row-major int8 values [n, k] in the kernels' packed layout, with their column sums.
    static func pack(_ values: [Int8], n: Int, k: Int) -> (packed: [Int8], colsums: [Int32]) {
        var packed = [Int8](repeating: 0, count: zk_s8_packed_size(Int32(n), Int32(k)))
        zk_s8_pack(values, Int32(n), Int32(k), &packed)
        var colsums = [Int32](repeating: 0, count: Int(zk_round_up(Int32(n), Int32(ZK_NBLOCK))))
        zk_s8_colsums(packed, Int32(n), Int32(k), &colsums)
        return (packed, colsums)
    }
}

extension SafeTensorsWriter {
    /// An N×K weight as zhner's INT8 tensors (`w_packed`, `w_scales`, `w_colsums`).
    mutating func addQuantized(_ weight: String, _ values: [Float], n: Int, k: Int) {
        let q = QuantizedMatrix(weights: values, n: n, k: k)
        let np = Int(zk_round_up(Int32(n), Int32(ZK_NBLOCK)))
        let kp = Int(zk_round_up(Int32(k), Int32(ZK_KGROUP)))
        add(Int8Format.packed(weight), q.packed, dtype: .i8, shape: [np, kp])
        add(Int8Format.colsums(weight), q.colsums, dtype: .i32, shape: [np])
        add(Int8Format.scales(weight), q.scales, dtype: .f32, shape: [n])
    }

    /// An embedding table as int8 rows (`w_q`) with one scale each (`w_scales`).
    mutating func addQuantizedRows(_ weight: String, _ values: [Float], rows: Int, width: Int) {
        let table = QuantizedRows(values, rows: rows, width: width)
        add(Int8Format.embedding(weight), table.values, dtype: .i8, shape: [rows, width])
        add(Int8Format.scales(weight), table.scales, dtype: .f32, shape: [rows])
    }
}
