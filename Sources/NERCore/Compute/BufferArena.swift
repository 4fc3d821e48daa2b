#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 64-byte-aligned buffers allocated together, touched at once (so a workspace's footprint is
/// reached at start-up, not under load) and freed together.
final class BufferArena {
    private var buffers: [UnsafeMutableRawPointer] = []
    private(set) var byteCount = 0

    func allocate<T>(_ count: Int, of _: T.Type) -> UnsafeMutablePointer<T> {
        let bytes = max(64, count * MemoryLayout<T>.stride)
        var p: UnsafeMutableRawPointer?
        guard posix_memalign(&p, 64, bytes) == 0, let p else { fatalError("out of memory allocating \(bytes) bytes") }
        memset(p, 0, bytes)
        buffers.append(p)
        byteCount += bytes
        return p.bindMemory(to: T.self, capacity: count)
    }

    deinit {
        for p in buffers { free(p) }
    }
}
