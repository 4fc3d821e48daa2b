/// PLATE: mainland licence plates: a province abbreviation, the issuing office's letter, an
/// optional separator (space, `·`, `•`, `-`), then 5 characters (ordinary plates: digits and at
/// most two letters other than I and O; or 4 digits and 学/警/挂) or 6 (new-energy plates: D or F,
/// a letter or digit and 4 digits; or 5 digits and D or F). The plate must be a whole run: no
/// letter or digit may follow it.
enum LicencePlates {
    static let provinces = Set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼".unicodeScalars.map(\.value))
    static let separators: [UInt32] = [0x20, 0xB7, 0x2022, 0x2D]
    static let suffixes = Set("学警挂".unicodeScalars.map(\.value))

    static func find(in t: PatternText) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for i in 0..<t.count where provinces.contains(t[i]) && t.isUpper(i + 1) && !t.isScalar(i + 1, "I") {
            var body = i + 2
            if separators.contains(t[body]) { body += 1 }
            let end = t.alnumRunEnd(from: body)
            let chars = Array(body..<end)
            if chars.count == 5, ordinary(t, chars) {
                out.append(i..<end)
            } else if chars.count == 4, t.isDigits(body..<end), suffixes.contains(t[end]) {
                out.append(i..<end + 1)
            } else if chars.count == 6, newEnergy(t, chars) {
                out.append(i..<end)
            }
        }
        return out
    }

    static func plateLetter(_ t: PatternText, _ i: Int) -> Bool {
        t.isUpper(i) && !t.isScalar(i, "I") && !t.isScalar(i, "O")
    }

    static func ordinary(_ t: PatternText, _ chars: [Int]) -> Bool {
        chars.allSatisfy { t.isDigit($0) || plateLetter(t, $0) } && chars.filter { t.isUpper($0) }.count <= 2
    }

    static func newEnergy(_ t: PatternText, _ chars: [Int]) -> Bool {
        let energy: (Int) -> Bool = { t.isScalar($0, "D") || t.isScalar($0, "F") }
        if energy(chars[0]) {
            return (t.isDigit(chars[1]) || plateLetter(t, chars[1])) && chars[2...].allSatisfy(t.isDigit)
        }
        return chars[..<5].allSatisfy(t.isDigit) && energy(chars[5])
    }
}
