/// The per-code-point normalisation of zhner's BiLSTM models ("zhner-v1", tools/train/SPEC.md §1):
/// full-width ASCII → ASCII, U+3000 → space, C0/C1 controls → space, A–Z → a–z, every digit → 0.
/// One code point in, one out, so positions and offsets need no mapping.
enum CharNormalizer {
    static func normalize(_ s: Unicode.Scalar) -> UInt32 {
        var o = s.value
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
