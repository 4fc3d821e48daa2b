/// Numbers as DATE, TIME, MONEY and PERCENT read them: a run of ASCII digits (after folding) or of
/// Chinese numerals (一…九, 〇/零, 两, the financial forms 壹…玖, and 十百千万亿 with 拾佰仟).
struct Numeral {
    /// nil when the run is too long to be a quantity (it is still consumed as one token).
    let value: Int?
    let start: Int
    let end: Int
    let isArabic: Bool
    /// Every character a digit (`2015`, `二〇一五`): how years are written.
    let isDigitString: Bool

    var count: Int { end - start }

    static let digits: [UInt32: Int] = {
        var d: [UInt32: Int] = [:]
        for (value, chars) in ["〇零○", "一壹", "二贰两", "三叁", "四肆", "五伍", "六陆", "七柒", "八捌", "九玖"].enumerated() {
            for c in chars.unicodeScalars { d[c.value] = value }
        }
        return d
    }()

    static let units: [UInt32: Int] = [0x5341: 10, 0x62FE: 10, 0x767E: 100, 0x4F70: 100, 0x5343: 1000, 0x4EDF: 1000,
                                       0x4E07: 10_000, 0x4EBF: 100_000_000]

    static func isChinese(_ v: UInt32) -> Bool { digits[v] != nil || units[v] != nil }

    /// Whether a number may start at `i`: not inside another number of its kind (digits, or a
    /// decimal or thousands mark between digits; numerals). The kinds may touch: 2015/8/10十二点.
    static func startsAt(_ t: PatternText, _ i: Int) -> Bool {
        if isChinese(t[i]) { return !isChinese(t[i - 1]) }
        return t.isDigit(i) && !t.isDigit(i - 1) && !((t.isScalar(i - 1, ".") || t.isOriginal(i - 1, ",")) && t.isDigit(i - 2))
    }

    /// The number starting at `i` (ASCII digits only, or Chinese numerals only), if any.
    static func read(_ t: PatternText, at i: Int) -> Numeral? {
        var end = i
        if t.isDigit(i) {
            while t.isDigit(end) { end += 1 }
            let value = end - i <= 15 ? t.number(i, end - i) : nil
            return Numeral(value: value, start: i, end: end, isArabic: true, isDigitString: true)
        }
        while isChinese(t[end]) { end += 1 }
        guard end > i else { return nil }
        let chars = (i..<end).map { t[$0] }
        let digitString = chars.allSatisfy { digits[$0] != nil }
        let value = chars.count > 16 ? nil
            : digitString && chars.count > 1 ? chars.reduce(0) { $0 * 10 + digits[$1]! } : chineseValue(chars)
        return Numeral(value: value, start: i, end: end, isArabic: false, isDigitString: digitString)
    }

    /// The value of a Chinese numeral with units (三千零五十, 十二, 四十亿); nil when malformed:
    /// two non-zero digits in a row (二三), units not descending within a section (百千), or too big.
    static func chineseValue(_ chars: [UInt32]) -> Int? {
        var total = 0     // complete sections above the current 万 or 亿
        var section = 0   // the part below the next 万/亿
        var digit: Int?   // a digit waiting for its unit
        var smallestUnit = 10_000
        for c in chars {
            if let d = digits[c] {
                if let old = digit, old != 0 { return nil }
                digit = d
                continue
            }
            let unit = units[c]!
            if unit < 10_000 {
                // A leading unit means one of it (十二 = 12, 百分之百); elsewhere a unit needs its digit.
                guard unit < smallestUnit, let d = digit ?? (section == 0 && total == 0 ? 1 : nil), d != 0 else { return nil }
                section += d * unit
                smallestUnit = unit
            } else {
                section += digit ?? 0
                guard section > 0 || total > 0, total + section < 1_000_000_000_000 else { return nil }
                total = unit == 10_000 ? total + section * unit : (total + section) * unit
                section = 0
                smallestUnit = 10_000
            }
            digit = nil
        }
        return total + section + (digit ?? 0)
    }
}
