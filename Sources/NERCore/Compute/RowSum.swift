import CKernels

/// The terms of one output row for `zk_sum_rows`: int8 rows with scales and float rows with
/// weights, summed onto a base row in one pass. Reused row after row (its arrays keep capacity).
struct RowSum {
    private var rows8: [UnsafePointer<Int8>?] = []
    private var scales8: [Float] = []
    private var rowsF: [UnsafePointer<Float>?] = []
    private var weights: [Float] = []

    /// Row `index` of `table` times `weight`.
    mutating func add(_ table: EmbeddingTable, row index: Int, weight: Float = 1) {
        switch table.storage {
        case .f32(let values): add(values + index * table.width, weight: weight)
        case .s8(let values, let scales):
            rows8.append(values + index * table.width)
            scales8.append(scales[index] * weight)
        }
    }

    mutating func add(_ row: UnsafePointer<Float>, weight: Float) {
        rowsF.append(row)
        weights.append(weight)
    }

    /// out[0..<n] = base + every term added since the last call; then starts over.
    mutating func write(base: UnsafePointer<Float>, n: Int, into out: UnsafeMutablePointer<Float>, isa: ISA) {
        zk_sum_rows(isa.kernel, Int32(n), base, Int32(rows8.count), rows8, scales8, Int32(rowsF.count), rowsF, weights, out)
        rows8.removeAll(keepingCapacity: true)
        scales8.removeAll(keepingCapacity: true)
        rowsF.removeAll(keepingCapacity: true)
        weights.removeAll(keepingCapacity: true)
    }
}
