/// Tensor names of zhner's INT8 model files, beside HF's names for everything left in float.
enum Int8Format {
    /// Not "format": transformers already writes {"format": "pt"} there.
    static let formatKey = "zhner_format"
    static let format = "zhner-int8-v1"
    static let layoutKey = "zhner_layout"
    static let layout = "zk-s8-n16k4"

    /// Names derived from the float weight's name `w` (e.g. `….dense.weight` → `….dense.weight_packed`).
    static func packed(_ w: String) -> String { w + "_packed" }
    static func colsums(_ w: String) -> String { w + "_colsums" }
    static func scales(_ w: String) -> String { w + "_scales" }
    static func embedding(_ w: String) -> String { w + "_q" }

    static func isQuantized(_ file: SafeTensors) throws -> Bool {
        guard let format = file.metadata[formatKey] else { return false }
        guard format == Self.format else {
            throw NERError.modelFile(file.path, "unknown format \"\(format)\" (this zhner reads \(Self.format))")
        }
        guard file.metadata[layoutKey] == layout else {
            throw NERError.modelFile(file.path, "int8 layout \(file.metadata[layoutKey] ?? "none") is not \(layout)")
        }
        return true
    }
}
