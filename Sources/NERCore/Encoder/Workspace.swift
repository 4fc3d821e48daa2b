#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// Buffers for one forward pass, allocated once from the largest batch a worker may run
/// (`maxTokens` tokens in all, no sequence longer than `maxSequence`). A request borrows a
/// workspace and never grows memory. Not thread-safe: one workspace per concurrent forward.
public final class Workspace: @unchecked Sendable {
    public let maxTokens: Int
    public let maxSequence: Int
    let threads: Int
    private var buffers: [UnsafeMutableRawPointer] = []

    let hidden: UnsafeMutablePointer<Float>
    let qkv: UnsafeMutablePointer<Float>
    let context: UnsafeMutablePointer<Float>
    let projected: UnsafeMutablePointer<Float>
    let intermediate: UnsafeMutablePointer<Float>
    let logits: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let quant: QuantScratch

    /// Bytes held, for memory accounting.
    public let byteCount: Int

    init(hidden h: Int, intermediate: Int, labels: Int, maxTokens: Int, maxSequence: Int, threads: Int) {
        self.maxTokens = maxTokens
        self.maxSequence = maxSequence
        self.threads = threads
        var total = 0
        var list: [UnsafeMutableRawPointer] = []
        func alloc<T>(_ count: Int, _: T.Type) -> UnsafeMutablePointer<T> {
            let bytes = max(64, count * MemoryLayout<T>.stride)
            var p: UnsafeMutableRawPointer?
            guard posix_memalign(&p, 64, bytes) == 0, let p else { fatalError("out of memory allocating a workspace") }
            // Touch every page now so the footprint is reached at start-up, not under load.
            memset(p, 0, bytes)
            list.append(p)
            total += bytes
            return p.bindMemory(to: T.self, capacity: count)
        }
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
        buffers = list
        byteCount = total
    }

    deinit {
        for p in buffers { free(p) }
    }
}
