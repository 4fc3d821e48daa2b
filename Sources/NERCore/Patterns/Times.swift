/// TIME: `14:30`, `9:05:30` (hour 0–23, minutes and seconds 00–59, not touching more digits) and
/// Chinese clock times: an optional period (上午, 下午, 晚上 …), an hour 0–24 with 点 or 时, then
/// 半, 一刻, 三刻 or minutes (with or without 分) and optional seconds (秒). A bare `3点` needs the
/// period: without it, 3点 is as often "three points".
enum Times {
    static let periods = PatternText.words(["凌晨", "早上", "早晨", "上午", "中午", "下午", "傍晚", "晚上", "夜里", "半夜"])
    static let hourMarks = Set("点时".unicodeScalars.map(\.value))
    static let half: UInt32 = 0x534A, minuteMark: UInt32 = 0x5206, secondMark: UInt32 = 0x79D2  // 半分秒
    static let quarters = PatternText.words(["一刻", "三刻"])

    static func find(in t: PatternText) -> [Range<Int>] {
        t.scan { i in
            let period = periods.first { t.startsWith($0, at: i) }
            guard period != nil || Numeral.startsAt(t, i), let hour = Numeral.read(t, at: i + (period?.count ?? 0)) else { return nil }
            return (colon(t, hour, period: period != nil) ?? clock(t, hour, period: period != nil)).map { ($0, true) }
        }
    }

    /// `H:MM[:SS]`, ASCII or full-width colon.
    static func colon(_ t: PatternText, _ hour: Numeral, period: Bool) -> Int? {
        guard hour.isArabic, hour.count <= 2, (0...23).contains(hour.value!), period || !t.isAlnum(hour.start - 1),
              t.isScalar(hour.end, ":"), let minutes = twoDigits(t, hour.end + 1) else { return nil }
        var end = minutes.end
        if t.isScalar(end, ":"), let seconds = twoDigits(t, end + 1) { end = seconds.end }
        return t.isAlnum(end) || (t.isScalar(end, ":") && t.isDigit(end + 1)) ? nil : end
    }

    static func twoDigits(_ t: PatternText, _ i: Int) -> Numeral? {
        guard let n = Numeral.read(t, at: i), n.isArabic, n.count == 2, n.value! <= 59 else { return nil }
        return n
    }

    /// `九点半`, `14时30分`, `下午3点` …
    static func clock(_ t: PatternText, _ hour: Numeral, period: Bool) -> Int? {
        guard let h = hour.value, (0...24).contains(h), hour.count <= 3, hourMarks.contains(t[hour.end]) else { return nil }
        let after = hour.end + 1
        if t[after] == half { return after + 1 }
        if let q = quarters.first(where: { t.startsWith($0, at: after) }) { return after + q.count }
        guard let minutes = Numeral.read(t, at: after), let m = minutes.value, m <= 59, minutes.count <= 3 else {
            return period ? after : nil
        }
        guard t[minutes.end] == minuteMark else {
            // 九点十五 and 9点30 without 分 are times; 三点五 and 3点5 are decimals.
            let clockLike = minutes.isArabic ? minutes.count == 2 : !minutes.isDigitString
            return clockLike ? minutes.end : (period ? after : nil)
        }
        let secondsAt = minutes.end + 1
        if let seconds = Numeral.read(t, at: secondsAt), let s = seconds.value, s <= 59, t[seconds.end] == secondMark {
            return seconds.end + 1
        }
        return secondsAt
    }
}
