/// An embedding table, F32 or int8 with one scale per row (as `zhner quantize` stores it).
struct EmbeddingTable: @unchecked Sendable {
    enum Storage {
        case f32(UnsafePointer<Float>)
        case s8(UnsafePointer<Int8>, scales: UnsafePointer<Float>)
    }

    let storage: Storage
    let rows: Int
    let width: Int

    /// out[0..<width] += row `index`.
    func add(row index: Int, into out: UnsafeMutablePointer<Float>) {
        switch storage {
        case .f32(let table):
            let r = table + index * width
            for j in 0..<width { out[j] += r[j] }
        case .s8(let table, let scales):
            let r = table + index * width
            let s = scales[index]
            for j in 0..<width { out[j] += Float(r[j]) * s }
        }
    }
}
