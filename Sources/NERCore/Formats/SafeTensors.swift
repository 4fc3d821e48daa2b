import Foundation

/// A safetensors file read through `mmap` and validated before any tensor is used.
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`), then the
/// data; offsets are relative to the end of the header.
public final class SafeTensors: Sendable {
    public struct Tensor: Sendable, Equatable {
        public let dtype: DType
        public let shape: [Int]
        /// Byte offset from the start of the file.
        public let offset: Int
        public let byteCount: Int
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// Headers above this are refused: a real one is a few hundred KB even for large models.
    static let maxHeaderBytes = 100 << 20

    public let path: String
    public let tensors: [String: Tensor]
    public let metadata: [String: String]
    private let file: MappedFile

    public init(path: String) throws {
        let file = try MappedFile(path: path)
        self.file = file
        self.path = path
        (tensors, metadata) = try SafeTensors.parseHeader(file.bytes, path: path)
    }

    private static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws
        -> ([String: Tensor], [String: String])
    {
        func fail(_ m: String) -> NERError { .modelFile(path, "not a valid safetensors file: \(m)") }
        guard bytes.count >= 8 else { throw fail("\(bytes.count) bytes is shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n >= 2, n <= UInt64(maxHeaderBytes), Int(n) <= bytes.count - 8 else {
            throw fail("header length \(n) does not fit the file (\(bytes.count) bytes)")
        }
        let headerLength = Int(n)
        let dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart
        let json = Data(bytes[8..<dataStart])
        guard let object = try? JSONSerialization.jsonObject(with: json),
              let dict = object as? [String: Any]
        else { throw fail("header is not a JSON object") }

        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        for (name, value) in dict {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw fail("__metadata__[\(k)] is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shapeValues = entry["shape"] as? [Any],
                  let offsetValues = entry["data_offsets"] as? [Any], offsetValues.count == 2
            else { throw fail("tensor \(name) needs dtype, shape and two data_offsets") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail("tensor \(name) has unsupported dtype \(dtypeName)")
            }
            let shape = try shapeValues.map { v -> Int in
                guard let i = nonNegativeInt(v) else { throw fail("tensor \(name) has a bad shape") }
                return i
            }
            guard let begin = nonNegativeInt(offsetValues[0]), let end = nonNegativeInt(offsetValues[1]),
                  begin <= end, end <= dataSize
            else { throw fail("tensor \(name) has data_offsets outside the \(dataSize)-byte data section") }
            var count = 1
            for d in shape {
                let (p, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail("tensor \(name) shape overflows") }
                count = p
            }
            let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
            guard !overflow, bytesNeeded == end - begin else {
                throw fail("tensor \(name): shape \(shape) of \(dtypeName) needs \(bytesNeeded) bytes, offsets give \(end - begin)")
            }
            tensors[name] = Tensor(dtype: dtype, shape: shape, offset: dataStart + begin, byteCount: end - begin)
        }
        return (tensors, metadata)
    }

    private static func nonNegativeInt(_ v: Any) -> Int? {
        guard let n = JSONValue.number(v) else { return nil }
        let d = n.doubleValue
        guard d >= 0, d <= Double(Int.max / 2), d == d.rounded() else { return nil }
        return n.intValue
    }

    /// The tensor, checked to exist with the expected shape (and dtype, when given).
    public func tensor(_ name: String, shape: [Int]? = nil, dtypes: Set<DType>? = nil) throws -> Tensor {
        guard let t = tensors[name] else { throw NERError.modelFile(path, "missing tensor \(name)") }
        if let shape, t.shape != shape {
            throw NERError.modelFile(path, "tensor \(name) has shape \(t.shape), the config implies \(shape)")
        }
        if let dtypes, !dtypes.contains(t.dtype) {
            let allowed = dtypes.map(\.rawValue).sorted().joined(separator: "/")
            throw NERError.modelFile(path, "tensor \(name) is \(t.dtype.rawValue), expected \(allowed)")
        }
        return t
    }

    /// Raw bytes of a tensor, inside the mapping (valid while this object lives).
    public func bytes(of t: Tensor) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[t.offset..<(t.offset + t.byteCount)])
    }

    /// A tensor's elements converted to Float (F32, F16 and BF16 are accepted).
    public func floats(_ name: String, shape: [Int]? = nil) throws -> [Float] {
        let t = try tensor(name, shape: shape, dtypes: [.f32, .f16, .bf16])
        let raw = bytes(of: t)
        let n = t.elementCount
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            switch t.dtype {
            case .f32:
                for i in 0..<n { out[i] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            case .f16:
                for i in 0..<n { out[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            default:
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
            }
            initialized = n
        }
    }

    /// A typed pointer into the mapping for tensors stored aligned in zhner's own files
    /// (int8 weights, their scales and column sums): no copy is made.
    func pointer<T>(to name: String, as type: T.Type, dtype: DType, count: Int) throws -> UnsafePointer<T> {
        let t = try tensor(name, dtypes: [dtype])
        guard t.elementCount == count else {
            throw NERError.modelFile(path, "tensor \(name) has \(t.elementCount) elements, expected \(count)")
        }
        let raw = bytes(of: t)
        guard let base = raw.baseAddress ?? (count == 0 ? UnsafeRawPointer(bitPattern: MemoryLayout<T>.alignment) : nil),
              Int(bitPattern: base) % MemoryLayout<T>.alignment == 0
        else { throw NERError.modelFile(path, "tensor \(name) is not aligned for direct use; re-run zhner quantize") }
        return base.assumingMemoryBound(to: T.self)
    }
}
