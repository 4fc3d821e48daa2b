import CKernels
import Foundation

/// `zhner quantize`: turns an FP32/FP16/BF16 model folder into an INT8 one.
///
/// Linear layers become per-output-channel symmetric int8, pre-packed for the kernels (Q, K and V
/// fused into one matrix), with F32 scales and int32 column sums beside them; the word embedding
/// table becomes int8 with one scale per row. LayerNorms, position/type embeddings, the
/// classifier and any CRF stay F32. The result is still a valid safetensors file.
public enum Quantizer {
    public static func quantize(input: String, output: String) throws {
        try ModelDirectory.checkFiles(input)
        let config = try BertConfig(contentsOf: input + "/config.json")
        let file = try SafeTensors(path: input + "/model.safetensors")
        if file.metadata[Int8Format.formatKey] != nil {
            throw NERError.invalidModel("\(input) is already quantized (\(file.metadata[Int8Format.formatKey]!))")
        }
        let names = BertNames(file: file)
        var writer = SafeTensorsWriter()
        var consumed = Set<String>()

        func take(_ name: String, shape: [Int]) throws -> [Float] {
            consumed.insert(name)
            return try file.floats(name, shape: shape)
        }
        func addQuantized(_ prefix: String, weights: [Float], bias: [Float], n: Int, k: Int) {
            let q = QuantizedMatrix(weights: weights, n: n, k: k)
            let np = Int(zk_round_up(Int32(n), Int32(ZK_NBLOCK)))
            let kp = Int(zk_round_up(Int32(k), Int32(ZK_KGROUP)))
            writer.add(Int8Format.packed(prefix), q.packed, dtype: .i8, shape: [np, kp])
            writer.add(Int8Format.colsums(prefix), q.colsums, dtype: .i32, shape: [np])
            writer.add(Int8Format.scales(prefix), q.scales, dtype: .f32, shape: [n])
            writer.add(prefix + ".bias", bias, dtype: .f32, shape: [n])
        }
        func quantizeLinear(_ prefix: String, n: Int, k: Int) throws {
            addQuantized(prefix, weights: try take(prefix + ".weight", shape: [n, k]),
                         bias: try take(prefix + ".bias", shape: [n]), n: n, k: k)
        }

        let h = config.hiddenSize
        let embeddings = try take(names.wordEmbeddings + ".weight", shape: [config.vocabSize, h])
        let table = QuantizedRows(embeddings, rows: config.vocabSize, width: h)
        writer.add(Int8Format.embedding(names.wordEmbeddings), table.values, dtype: .i8, shape: [config.vocabSize, h])
        writer.add(Int8Format.scales(names.wordEmbeddings), table.scales, dtype: .f32, shape: [config.vocabSize])

        for i in 0..<config.numHiddenLayers {
            var w: [Float] = []
            var b: [Float] = []
            for p in [names.query(i), names.key(i), names.value(i)] {
                w += try take(p + ".weight", shape: [h, h])
                b += try take(p + ".bias", shape: [h])
            }
            addQuantized(names.qkv(i), weights: w, bias: b, n: 3 * h, k: h)
            try quantizeLinear(names.attentionOutput(i), n: h, k: h)
            try quantizeLinear(names.intermediate(i), n: config.intermediateSize, k: h)
            try quantizeLinear(names.output(i), n: h, k: config.intermediateSize)
        }
        // Everything else (norms, position/type embeddings, classifier, CRF) is kept as F32.
        for (name, t) in file.tensors where !consumed.contains(name) {
            if t.dtype.isFloatWeight {
                writer.add(name, try file.floats(name), dtype: .f32, shape: t.shape)
            }
        }
        writer.metadata = [Int8Format.formatKey: Int8Format.format, Int8Format.layoutKey: Int8Format.layout,
                           "source_dtype": sourceDType(file)]

        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: output, withIntermediateDirectories: true)
            for item in try fm.contentsOfDirectory(atPath: input) where item != "model.safetensors" {
                let target = output + "/" + item
                if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
                try fm.copyItem(atPath: input + "/" + item, toPath: target)
            }
        } catch {
            throw NERError.invalidArgument("cannot write \(output): \(error.localizedDescription)")
        }
        try writer.write(to: output + "/model.safetensors")
    }

    private static func sourceDType(_ file: SafeTensors) -> String {
        let types = Set(file.tensors.values.filter { $0.dtype.isFloatWeight }.map(\.dtype.rawValue))
        return types.sorted().joined(separator: ",")
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
        packed = [Int8](repeating: 0, count: zk_s8_packed_size(Int32(n), Int32(k)))
        zk_s8_pack(rows.values, Int32(n), Int32(k), &packed)
        colsums = [Int32](repeating: 0, count: Int(zk_round_up(Int32(n), Int32(ZK_NBLOCK))))
        zk_s8_colsums(packed, Int32(n), Int32(k), &colsums)
    }
}
