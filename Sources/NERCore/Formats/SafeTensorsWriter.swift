import Foundation

/// Writes a safetensors file whose tensors are aligned for direct use from a mapping.
///
/// safetensors allows no holes between tensors, so alignment comes from order: the data section
/// starts at a multiple of 64 (the JSON header is padded with spaces, which the format allows),
/// tensors whose size is a multiple of 64 bytes come first, then the rest by falling element
/// size, so every tensor starts at a multiple of its own element size and packed int8 weights at
/// a multiple of 64.
struct SafeTensorsWriter {
    private var entries: [(name: String, dtype: DType, shape: [Int], data: [UInt8])] = []
    var metadata: [String: String] = [:]

    mutating func add<T>(_ name: String, _ values: [T], dtype: DType, shape: [Int]) {
        precondition(MemoryLayout<T>.stride == dtype.byteSize && values.count == shape.reduce(1, *))
        let bytes = values.withUnsafeBytes { [UInt8]($0) }
        entries.append((name, dtype, shape, bytes))
    }

    func write(to path: String) throws {
        let ordered = entries.sorted { a, b in
            let ka = (a.data.count % 64 == 0 ? 0 : 1, -a.dtype.byteSize, a.name)
            let kb = (b.data.count % 64 == 0 ? 0 : 1, -b.dtype.byteSize, b.name)
            return ka < kb
        }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for e in ordered {
            header[e.name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [offset, offset + e.data.count]]
            offset += e.data.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        let padded = (8 + json.count + 63) / 64 * 64 - 8
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padded - json.count))
        var out = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for e in ordered { out.append(contentsOf: e.data) }
        do { try out.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw NERError.io("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
