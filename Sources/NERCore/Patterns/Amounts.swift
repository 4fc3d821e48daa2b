/// MONEY and PERCENT.
///
/// MONEY: a currency sign (¥ ￥ $ € £, US$, HK$, RMB) before an Arabic amount, or an amount
/// (Arabic or Chinese numerals) before a currency word (元, 美元, 港元, 块钱, 人民币 …); an Arabic
/// amount may have thousands commas, decimals and a scale (万, 亿, 千万 …): `¥1,200`, `40亿元`,
/// `三千万美元`. PERCENT: an Arabic number before % (or ％, ‰), or 百分之/千分之 before a number,
/// Chinese numerals allowed with 点 decimals: `30%`, `百分之三十`, `百分之三十点五`.
enum Amounts {
    static let signs = PatternText.words(["¥", "￥", "$", "€", "£", "us$", "hk$", "rmb"])
    static let currencies = PatternText.words(["元", "块钱", "美元", "港元", "港币", "欧元", "英镑", "日元", "韩元", "人民币", "元人民币", "美金"])
    static let scales = PatternText.words(["十", "百", "千", "万", "亿", "十万", "百万", "千万", "万亿"])
    static let percentWords = PatternText.words(["百分之", "千分之"])
    static let percentSigns = Set("%‰".unicodeScalars.map(\.value))
    static let point: UInt32 = 0x70B9  // 点

    static func money(in t: PatternText) -> [Range<Int>] {
        t.scan { i in (signed(t, i) ?? worded(t, i)).map { ($0, true) } }
    }

    /// `¥1,200`, `US$ 3.5亿`: the sign, an optional space, the amount, an optional scale and
    /// currency word.
    static func signed(_ t: PatternText, _ i: Int) -> Int? {
        guard !t.isAlnum(i - 1), let sign = longest(signs, t, i) else { return nil }
        var at = i + sign
        if t.isScalar(at, " ") { at += 1 }
        guard Numeral.startsAt(t, at), t.isDigit(at), let amount = arabic(t, at) else { return nil }
        var end = amount + (longest(scales, t, amount) ?? 0)
        end += longest(currencies, t, end) ?? 0
        return t.isAlnum(end) ? nil : end
    }

    /// `1200元`, `40亿元`, `三千万美元`.
    static func worded(_ t: PatternText, _ i: Int) -> Int? {
        guard Numeral.startsAt(t, i) else { return nil }
        var end: Int
        if t.isDigit(i) {
            guard let amount = arabic(t, i), !t.isAlnum(i - 1) else { return nil }
            end = amount + (longest(scales, t, amount) ?? 0)
        } else {
            guard let n = Numeral.read(t, at: i), n.value != nil, !n.isDigitString || n.count == 1 else { return nil }
            end = n.end
        }
        guard let currency = longest(currencies, t, end) else { return nil }
        return end + currency
    }

    /// The end of an Arabic amount at `i`: digits, commas between groups of three, one decimal part.
    static func arabic(_ t: PatternText, _ i: Int) -> Int? {
        guard let whole = Numeral.read(t, at: i), whole.isArabic else { return nil }
        var end = whole.end
        if whole.count <= 3 {
            while t.isOriginal(end, ","), let group = Numeral.read(t, at: end + 1), group.isArabic, group.count == 3 {
                end = group.end
            }
        }
        if t.isScalar(end, "."), let fraction = Numeral.read(t, at: end + 1), fraction.isArabic { end = fraction.end }
        // 1,2345 or 1.2.3 is not an amount.
        return (t.isOriginal(end, ",") || t.isScalar(end, ".")) && t.isDigit(end + 1) ? nil : end
    }

    static func percents(in t: PatternText) -> [Range<Int>] {
        t.scan { i in (spelled(t, i) ?? signedPercent(t, i)).map { ($0, true) } }
    }

    /// `30%`, `12.5％`.
    static func signedPercent(_ t: PatternText, _ i: Int) -> Int? {
        guard t.isDigit(i), Numeral.startsAt(t, i), !t.isAlnum(i - 1), let end = arabic(t, i),
              percentSigns.contains(t[end]) else { return nil }
        return end + 1
    }

    /// `百分之三十`, `百分之三十点五`, `千分之5`, `百分之12.5`.
    static func spelled(_ t: PatternText, _ i: Int) -> Int? {
        guard let word = longest(percentWords, t, i) else { return nil }
        let at = i + word
        if t.isDigit(at) { return arabic(t, at) }
        guard let n = Numeral.read(t, at: at), n.value != nil else { return nil }
        if t[n.end] == point, let fraction = Numeral.read(t, at: n.end + 1), !fraction.isArabic, fraction.isDigitString {
            return fraction.end
        }
        return n.end
    }

    /// The length of the longest of `list` (sorted longest first) at `i`.
    static func longest(_ list: [[UInt32]], _ t: PatternText, _ i: Int) -> Int? {
        list.first { t.startsWith($0, at: i) }?.count
    }
}
