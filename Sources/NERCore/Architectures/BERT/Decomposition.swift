import Foundation

/// Canonical decomposition (NFD) of one scalar, as BERT's accent stripping applies it.
enum Decomposition {
    /// Appends the NFD form of `s` to `out`. ASCII, CJK and Hangul take fast paths; the rest goes
    /// through Foundation, which is slow but only reached for accented and other rare scripts.
    static func append(_ s: Unicode.Scalar, to out: inout [Unicode.Scalar]) {
        let v = s.value
        if v < 0xC0 || (0x4E00...0x9FFF).contains(v) {
            out.append(s)
            return
        }
        if (0xAC00...0xD7A3).contains(v) {
            appendHangul(v, to: &out)
            return
        }
        let nfd = String(Character(s)).decomposedStringWithCanonicalMapping
        out.append(contentsOf: nfd.unicodeScalars)
    }

    /// Hangul syllables decompose algorithmically into two or three jamo (Unicode §3.12).
    private static func appendHangul(_ v: UInt32, to out: inout [Unicode.Scalar]) {
        let index = v - 0xAC00
        let l = 0x1100 + index / 588
        let vowel = 0x1161 + (index % 588) / 28
        let t = index % 28
        out.append(Unicode.Scalar(l)!)
        out.append(Unicode.Scalar(vowel)!)
        if t != 0 { out.append(Unicode.Scalar(0x11A7 + t)!) }
    }
}
