import CKernels

/// Buffers for one forward pass, allocated once from the largest batch a worker may run
/// (`maxTokens` tokens in all, no sequence longer than `maxSequence`). A request borrows a
/// workspace and never grows memory. Not thread-safe: one workspace per concurrent forward.
final class BertWorkspace: @unchecked Sendable {
    let maxTokens: Int
    let maxSequence: Int
    let threads: Int
    private let arena = BufferArena()

    let hidden: UnsafeMutablePointer<Float>
    let qkv: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let projected: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    let logits: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let quant: QuantScratch

    /// Bytes held, for memory accounting.
    let byteCount: Int

    init(hidden h: Int, intermediate: Int, labels: Int, maxTokens: Int, maxSequence: Int, threads: Int) {
        self.maxTokens = maxTokens
        self.maxSequence = maxSequence
        self.threads = threads
        let arena = arena
        func alloc<T>(_ count: Int, _ type: T.Type) -> UnsafeMutablePointer<T> { arena.allocate(count, of: type) }
        let widest = max(h, intermediate)
        self.hidden = alloc(maxTokens * h, Float.self)
        qkv = alloc(maxTokens * 3 * h, Float.self)
        context = alloc(maxTokens * h, Float.self)
        projected = alloc(maxTokens * h, Float.self)
        self.intermediate = alloc(maxTokens * intermediate, Float.self)
        logits = alloc(maxTokens * labels, Float.self)
        scores = alloc(threads * maxSequence * maxSequence, Float.self)
        let stride = Int(zk_round_up(Int32(widest), Int32(ZK_KGROUP)))
        quant = QuantScratch(values: alloc(maxTokens * stride, Int8.self), scales: alloc(maxTokens, Float.self),
                             stride: stride)
        byteCount = arena.byteCount
    }
}
