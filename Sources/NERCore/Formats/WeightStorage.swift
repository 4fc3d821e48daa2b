#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the memory behind a loaded model's weights: the mapped safetensors file, plus the buffers
/// made at load time (dtype conversions, FP32 packing). Written only while loading, read-only
/// afterwards, so sharing it across threads is safe.
final class WeightStorage: @unchecked Sendable {
    let file: SafeTensors
    private var allocations: [UnsafeMutableRawPointer] = []

    init(file: SafeTensors) { self.file = file }

    /// A 64-byte-aligned buffer that lives as long as this storage.
    func allocate<T>(_ count: Int, of _: T.Type) -> UnsafeMutablePointer<T> {
        var p: UnsafeMutableRawPointer?
        let bytes = max(64, count * MemoryLayout<T>.stride)
        guard posix_memalign(&p, 64, bytes) == 0, let p else { fatalError("out of memory allocating \(bytes) bytes") }
        allocations.append(p)
        return p.bindMemory(to: T.self, capacity: count)
    }

    /// A floating tensor as F32: pointed at in place when it already is aligned F32, else converted.
    func floats(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        let t = try file.tensor(name, shape: shape, dtypes: [.f32, .f16, .bf16])
        if t.dtype == .f32, let p = file.bytes(of: t).baseAddress, Int(bitPattern: p) % 4 == 0 {
            return p.assumingMemoryBound(to: Float.self)
        }
        return copy(try file.floats(name, shape: shape))
    }

    func copy<T>(_ values: [T]) -> UnsafePointer<T> {
        let p = allocate(values.count, of: T.self)
        values.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: values.count) }
        return UnsafePointer(p)
    }

    /// The first of `names` the file holds (checkpoints differ, e.g. LayerNorm weight vs gamma).
    func firstPresent(_ names: String...) -> String {
        names.first { file.tensors[$0] != nil } ?? names[0]
    }

    deinit {
        for p in allocations { free(p) }
    }
}
