/// USCC: unified social credit codes (GB 32100-2015), 18 characters as one letter/digit run:
/// registration authority, organisation type, a 6-digit region code whose first two digits are a
/// province, the organisation code, and the check character. Upper case only (the standard's
/// alphabet is upper case).
enum CreditCodes {
    static func find(in t: PatternText) -> [Range<Int>] {
        t.alnumRuns().filter { r in
            guard r.count == 18, t.isDigits(r.lowerBound + 2..<r.lowerBound + 8),
                  Checksums.isProvince(t.number(r.lowerBound + 2, 2)) else { return false }
            let values = r.map { Checksums.usccAlphabet.firstIndex(of: t[$0]) }
            guard values.allSatisfy({ $0 != nil }) else { return false }
            let v = values.map { $0! }
            return Checksums.usccCheck(Array(v.prefix(17))) == v[17]
        }
    }
}
