/// DATE: `2015年3月5日`, `二〇一五年三月五日`, `2015年3月`, `2015年`, `3月5日` (日 or 号), and
/// `2015-03-05` / `2015/3/5` / `2015.03.05`. Years have four digits (1000–2999); a day must exist in
/// its month (29 February only in leap years; without a year it is allowed).
enum Dates {
    static let year: UInt32 = 0x5E74, month: UInt32 = 0x6708, day: UInt32 = 0x65E5, dayAlt: UInt32 = 0x53F7  // 年月日号
    static let separators: [UInt32] = [0x2D, 0x2F, 0x2E]

    static func find(in t: PatternText) -> [Range<Int>] {
        // An impossible date is skipped whole: the 2月29日 of 2019年2月29日 is no date either.
        t.scan { i in
            guard Numeral.startsAt(t, i), let first = Numeral.read(t, at: i) else { return nil }
            return chinese(t, first) ?? numeric(t, first)
        }
    }

    static func isYear(_ n: Numeral) -> Bool {
        n.count == 4 && n.isDigitString && (1000...2999).contains(n.value ?? 0)
    }

    /// The 年/月/日 forms starting with `first`: where the date ends, and whether it is real. A
    /// month or day that is written but impossible (2015年13月, 2月30日) refuses the whole date.
    static func chinese(_ t: PatternText, _ first: Numeral) -> (end: Int, keep: Bool)? {
        var y: Int?
        var m = first
        if t[first.end] == year {
            guard isYear(first) else { return nil }
            y = first.value
            guard let next = Numeral.read(t, at: first.end + 1), t[next.end] == month else { return (first.end + 1, true) }
            m = next
        }
        guard t[m.end] == month else { return nil }
        let monthEnd = m.end + 1
        guard let mv = m.value, (1...12).contains(mv), m.count <= 2 || !m.isArabic else { return (monthEnd, false) }
        guard let d = Numeral.read(t, at: monthEnd), t[d.end] == day || t[d.end] == dayAlt else {
            // 2015年3月 is a date; 3月 alone is too often a count of months.
            return y == nil ? nil : (monthEnd, true)
        }
        let dv = d.value ?? 0
        return (d.end + 1, dv >= 1 && dv <= Checksums.daysIn(month: mv, year: y ?? 2000))
    }

    /// `YYYY-MM-DD` with one separator (-, / or .) used twice and no letter, digit or further
    /// separated digits after.
    static func numeric(_ t: PatternText, _ first: Numeral) -> (end: Int, keep: Bool)? {
        let sep = t[first.end]
        guard isYear(first), first.isArabic, separators.contains(sep), !t.isAlnum(first.start - 1),
              let m = Numeral.read(t, at: first.end + 1), m.isArabic, m.count <= 2, t[m.end] == sep,
              let d = Numeral.read(t, at: m.end + 1), d.isArabic, d.count <= 2, !t.isAlnum(d.end),
              !(separators.contains(t[d.end]) && t.isDigit(d.end + 1)) else { return nil }
        return (d.end, Checksums.isDate(year: first.value!, month: m.value!, day: d.value!))
    }
}
