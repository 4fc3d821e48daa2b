/// BANK_CARD: payment card numbers, 16–19 digits passing Luhn, written as one run or in groups of
/// four joined by spaces or hyphens (`6222 0202 1234 5678 901`).
enum BankCards {
    static let separators: [UInt32] = [0x20, 0x2D]

    static func find(in t: PatternText) -> [Range<Int>] {
        t.alnumRuns().compactMap { run in
            guard t.startsToken(run.lowerBound, separators: separators),
                  let groups = t.digitGroups(from: run.lowerBound, separators: separators, limit: 6) else { return nil }
            // One run of 16–19 digits is a number by itself even if more digits follow a space.
            let span = (16...19).contains(groups[0].count) ? groups[0] : grouped(groups)
            guard let span else { return nil }
            let digits = span.filter(t.isDigit).map(t.digit)
            return valid(digits) ? span : nil
        }
    }

    /// Groups of four, the last one 1–4 digits, 16–19 in all; the whole chain or nothing.
    static func grouped(_ groups: [Range<Int>]) -> Range<Int>? {
        guard groups.count == 4 || groups.count == 5, groups.dropLast().allSatisfy({ $0.count == 4 }),
              (1...4).contains(groups.last!.count) else { return nil }
        let total = groups.reduce(0) { $0 + $1.count }
        return (16...19).contains(total) ? groups[0].lowerBound..<groups.last!.upperBound : nil
    }

    /// Length, issuer family (first digit 3 JCB/Amex, 4 Visa, 5 Mastercard, 6 UnionPay/Discover:
    /// a number starting otherwise is no card these recognizers expect) and Luhn.
    static func valid(_ digits: [Int]) -> Bool {
        (16...19).contains(digits.count) && (3...6).contains(digits[0]) && Checksums.luhn(digits)
    }
}
