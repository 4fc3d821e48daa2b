import Foundation

/// What a model folder holds, for `zhner info` and the server's model metadata.
public struct ModelInfo: Sendable {
    /// "INT8 (zhner-int8-v1, from F32)" or the float dtypes of the weights, e.g. "F32".
    public let format: String
    /// Weights, counting each int8 weight once (scales and column sums are not parameters).
    public let parameters: Int
    /// Bytes of every file in the folder.
    public let bytes: Int

    public init(directory: String) throws {
        let file = try SafeTensors(path: directory + "/model.safetensors")
        if let f = file.metadata[Int8Format.formatKey] {
            format = "INT8 (\(f), from \(file.metadata["source_dtype"] ?? "?"))"
        } else {
            format = Set(file.tensors.values.map(\.dtype.rawValue)).sorted().joined(separator: ",")
        }
        parameters = file.tensors.filter { !$0.key.hasSuffix("_colsums") && !$0.key.hasSuffix("_scales") }
            .values.reduce(0) { $0 + $1.elementCount }
        let fm = FileManager.default
        bytes = (try? fm.contentsOfDirectory(atPath: directory))?.reduce(0) { total, item in
            total + ((try? fm.attributesOfItem(atPath: directory + "/" + item)[.size] as? Int) ?? 0)
        } ?? 0
    }
}
