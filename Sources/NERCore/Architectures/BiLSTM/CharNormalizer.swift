import Foundation

/// The per-code-point normalisation of zhner's BiLSTM models (tools/train/SPEC.md §1).
///
/// "zhner-v1" (`normalize`): full-width ASCII → ASCII, U+3000 → space, C0/C1 controls → space,
/// A–Z → a–z, every digit → 0. "zhner-v2" (`apply`) first maps Traditional characters to Simplified
/// ones through the model's `charmap.txt`, so a model trained on Simplified text reads both scripts.
/// One code point in, one out, so positions and offsets need no mapping.
struct CharNormalizer: Sendable {
    /// Replacement per BMP code point (0 = none), or empty for zhner-v1: one load per character
    /// instead of a hash lookup, for 256 KB per loaded model.
    private let bmp: [UInt32]
    /// Replacements of code points above the BMP.
    private let astral: [UInt32: UInt32]

    /// zhner-v1: no character map.
    static let v1 = CharNormalizer(map: [:])

    init(map: [UInt32: UInt32]) {
        var bmp = [UInt32](repeating: 0, count: map.isEmpty ? 0 : 0x10000)
        var astral: [UInt32: UInt32] = [:]
        for (from, to) in map {
            if from < 0x10000 { bmp[Int(from)] = to } else { astral[from] = to }
        }
        self.bmp = bmp
        self.astral = astral
    }

    /// A `charmap.txt`: one `from<TAB>to` line per mapped character, each side one code point.
    init(charmapPath path: String) throws {
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.modelFile(path, "cannot read the character map: \(error.reason)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw NERError.modelFile(path, "the character map is not UTF-8")
        }
        var map: [UInt32: UInt32] = [:]
        for (n, line) in text.unicodeScalars.split(separator: "\n").enumerated() {
            let scalars = Array(line)
            guard scalars.count == 3, scalars[1] == "\t" else {
                throw NERError.modelFile(path, "line \(n + 1) is not one character, a tab and one character")
            }
            map[scalars[0].value] = scalars[2].value
        }
        self.init(map: map)
    }

    /// The model's normalisation of one code point: the character map, then zhner-v1.
    func apply(_ s: Unicode.Scalar) -> UInt32 {
        var o = s.value
        if !bmp.isEmpty {
            let mapped = o < 0x10000 ? bmp[Int(o)] : astral[o] ?? 0
            if mapped != 0 { o = mapped }
        }
        return Self.normalize(o)
    }

    /// zhner-v1 of one code point.
    static func normalize(_ s: Unicode.Scalar) -> UInt32 { normalize(s.value) }

    private static func normalize(_ value: UInt32) -> UInt32 {
        var o = value
        if (0xFF01...0xFF5E).contains(o) {
            o -= 0xFEE0
        } else if o == 0x3000 {
            o = 0x20
        }
        if o <= 0x1F || (0x7F...0x9F).contains(o) { o = 0x20 }
        if (0x41...0x5A).contains(o) {
            o += 0x20
        } else if (0x30...0x39).contains(o) {
            o = 0x30
        }
        return o
    }
}
