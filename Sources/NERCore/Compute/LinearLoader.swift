import CKernels

/// Builds layers from either format: float tensors as HF writes them, or zhner's INT8 tensors.
struct LinearLoader {
    let storage: WeightStorage
    let quantized: Bool

    func layerNorm(_ prefix: String, width: Int) throws -> LayerNormWeights {
        LayerNormWeights(
            gamma: try storage.floats(storage.firstPresent(prefix + ".weight", prefix + ".gamma"), shape: [width]),
            beta: try storage.floats(storage.firstPresent(prefix + ".bias", prefix + ".beta"), shape: [width]))
    }

    /// `prefix.weight` [n, k] and `prefix.bias` [n].
    func linear(_ prefix: String, n: Int, k: Int) throws -> Linear {
        try linear(weight: prefix + ".weight", bias: storage.floats(prefix + ".bias", shape: [n]), n: n, k: k)
    }

    func linear(weight: String, bias: UnsafePointer<Float>?, n: Int, k: Int) throws -> Linear {
        if quantized {
            let file = storage.file
            let np = Int(zk_round_up(Int32(n), Int32(ZK_NBLOCK)))
            let kp = Int(zk_round_up(Int32(k), Int32(ZK_KGROUP)))
            _ = try file.tensor(Int8Format.packed(weight), shape: [np, kp])
            return Linear(
                weights: .s8(
                    packed: try file.pointer(to: Int8Format.packed(weight), as: Int8.self, dtype: .i8, count: np * kp),
                    colsums: try file.pointer(to: Int8Format.colsums(weight), as: Int32.self, dtype: .i32, count: np),
                    scales: try file.pointer(to: Int8Format.scales(weight), as: Float.self, dtype: .f32, count: n)),
                bias: bias, n: n, k: k)
        }
        return floatLinear(try storage.file.floats(weight, shape: [n, k]), bias: bias, n: n, k: k)
    }

    /// Float layers with the same input, stacked into one (e.g. Q, K, V → one GEMM).
    func fusedFloatLinear(weights: [String], bias: [Float]?, n: Int, k: Int) throws -> Linear {
        floatLinear(try stackedFloats(weights, n: n, k: k), bias: bias.map(storage.copy), n: n * weights.count, k: k)
    }

    /// [n, k] float tensors one below the other: [n · names.count, k], row-major.
    func stackedFloats(_ names: [String], n: Int, k: Int) throws -> [Float] {
        var w: [Float] = []
        for name in names { w += try storage.file.floats(name, shape: [n, k]) }
        return w
    }

    func floatLinear(_ w: [Float], bias: UnsafePointer<Float>?, n: Int, k: Int) -> Linear {
        let p = storage.allocate(zk_f32_packed_count(Int32(n), Int32(k)), of: Float.self)
        zk_f32_pack(w, Int32(n), Int32(k), p)
        return Linear(weights: .f32(UnsafePointer(p)), bias: bias, n: n, k: k)
    }

    /// An embedding table: F32 in float files, int8 rows with scales in INT8 files.
    func embedding(_ weight: String, rows: Int, width: Int) throws -> EmbeddingTable {
        let file = storage.file
        if quantized {
            _ = try file.tensor(Int8Format.embedding(weight), shape: [rows, width])
            let table = try file.pointer(to: Int8Format.embedding(weight), as: Int8.self, dtype: .i8, count: rows * width)
            let scales = try file.pointer(to: Int8Format.scales(weight), as: Float.self, dtype: .f32, count: rows)
            return EmbeddingTable(storage: .s8(table, scales: scales), rows: rows, width: width)
        }
        return EmbeddingTable(storage: .f32(try storage.floats(weight, shape: [rows, width])), rows: rows, width: width)
    }
}
