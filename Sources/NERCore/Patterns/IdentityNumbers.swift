/// ID_CARD (resident identity numbers, GB 11643-1999) and PASSPORT (Chinese passports).
/// Both are whole letter/digit runs, so a number inside a longer run is never reported.
enum IdentityNumbers {
    /// 18-character numbers: province, real birth date 1900–this year, MOD 11-2 check (X or x);
    /// 15-digit legacy numbers: province and a real 19yy birth date (they have no check digit).
    static func residentIDs(in t: PatternText) -> [Range<Int>] {
        t.alnumRuns().filter { r in
            let s = r.lowerBound
            guard r.count == 18 || r.count == 15, t.isDigits(s..<s + 15),
                  Checksums.isProvince(t.digit(s) * 10 + t.digit(s + 1)) else { return false }
            if r.count == 15 {
                return Checksums.isDate(year: 1900 + t.number(s + 6, 2), month: t.number(s + 8, 2), day: t.number(s + 10, 2))
            }
            let year = t.number(s + 6, 4)
            guard t.isDigits(s + 15..<s + 17), (1900...Checksums.currentYear).contains(year),
                  Checksums.isDate(year: year, month: t.number(s + 10, 2), day: t.number(s + 12, 2)) else { return false }
            let check = Checksums.mod11_2(t.digits(s..<s + 17))
            let last = t[s + 17]
            return check == "X" ? last == 0x58 || last == 0x78 : last == check.unicodeScalars.first!.value
        }
    }

    /// Ordinary passports: E or G and 8 digits, or E, a letter (not I or O) and 7 digits (the
    /// e-passport series EA…). Upper case only. `PatternRecognizer` keeps them only after a
    /// context word: the shape alone is too common (part numbers, codes).
    static func passports(in t: PatternText) -> [Range<Int>] {
        t.alnumRuns().filter { r in
            let s = r.lowerBound
            guard r.count == 9, t.isScalar(s, "E") || t.isScalar(s, "G") else { return false }
            if t.isDigits(s + 1..<r.upperBound) { return true }
            return t.isScalar(s, "E") && t.isUpper(s + 1) && !t.isScalar(s + 1, "I") && !t.isScalar(s + 1, "O")
                && t.isDigits(s + 2..<r.upperBound)
        }
    }
}
