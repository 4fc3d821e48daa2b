/// PHONE: mainland mobile numbers (11 digits, 1[3-9]…, optionally after +86 / 0086 / (+86)) written
/// as one run or 3-4-4 with spaces or hyphens; landlines with an area code and a separator
/// (`010-12345678`, `0755 1234567`, `(021)87654321`).
enum PhoneNumbers {
    static let separators: [UInt32] = [0x20, 0x2D]

    static func find(in t: PatternText) -> [Range<Int>] {
        t.alnumRuns().compactMap { run in mobile(t, run) ?? landline(t, run) }
    }

    /// A mobile number whose digits (or its 86 / 0086 prefix) start `run`.
    static func mobile(_ t: PatternText, _ run: Range<Int>) -> Range<Int>? {
        let s = run.lowerBound
        var start = s
        var number = s
        if t.isScalar(s - 1, "+"), run.count >= 2, t.isDigits(s..<s + 2), t.number(s, 2) == 86 {
            // +86: the plus (and an opening parenthesis before it) belongs to the match.
            start = s - (t.isScalar(s - 2, "(") ? 2 : 1)
            number = s + 2
        } else if run.count >= 4, t.isDigits(s..<s + 4), t.number(s, 4) == 86 {
            number = s + 4  // 0086
        }
        guard !t.isAlnum(start - 1) else { return nil }
        if number == run.upperBound {
            // The prefix is a run of its own: `+86 138…`, `(+86)138…`, `0086-138…`.
            if t.isScalar(number, ")"), start == s - 2 { number += 1 }
            if separators.contains(t[number]) { number += 1 }
            guard t.isDigit(number) else { return nil }
        } else if number == s, !t.startsToken(s, separators: separators) {
            return nil
        }
        guard let groups = t.digitGroups(from: number, separators: separators, limit: 4) else { return nil }
        let shapes = groups.map(\.count)
        let span: Range<Int>
        if shapes[0] == 11 {
            span = groups[0]
        } else if shapes == [3, 4, 4] {
            span = groups[0].lowerBound..<groups[2].upperBound
        } else {
            return nil
        }
        guard t.digit(span.lowerBound) == 1, t.digit(span.lowerBound + 1) >= 3 else { return nil }
        return start..<span.upperBound
    }

    /// A landline: area code 010 / 02x (3 digits) or 0[3-9]xx (4), then a separator or the code
    /// in parentheses, then 7–8 digits not starting with 0 or 1.
    static func landline(_ t: PatternText, _ run: Range<Int>) -> Range<Int>? {
        guard let groups = t.digitGroups(from: run.lowerBound, separators: separators, limit: 3) else { return nil }
        var start = run.lowerBound
        let area = groups[0]
        let local: Range<Int>
        if t.isScalar(start - 1, "("), t.isScalar(area.upperBound, ")") {
            start -= 1
            let next = area.upperBound + (t.isScalar(area.upperBound + 1, " ") ? 2 : 1)
            guard t.isDigit(next) else { return nil }
            local = next..<t.alnumRunEnd(from: next)
            guard t.isDigits(local), !separators.contains(t[local.upperBound]) || !t.isDigit(local.upperBound + 1) else { return nil }
        } else {
            guard groups.count == 2, t.startsToken(start, separators: separators) else { return nil }
            local = groups[1]
        }
        guard !t.isAlnum(start - 1), isAreaCode(t, area), (7...8).contains(local.count), t.digit(local.lowerBound) >= 2 else { return nil }
        return start..<local.upperBound
    }

    static func isAreaCode(_ t: PatternText, _ r: Range<Int>) -> Bool {
        guard t.isDigits(r), t.digit(r.lowerBound) == 0 else { return false }
        let second = t.digit(r.lowerBound + 1)
        switch r.count {
        case 3: return second == 2 || (second == 1 && t.digit(r.lowerBound + 2) == 0)
        case 4: return second >= 3
        default: return false
        }
    }
}
