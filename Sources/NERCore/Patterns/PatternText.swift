/// A text as the pattern scanners read it: one folded code point per original code point, so a
/// scanner's positions are the original text's code-point offsets with no mapping back.
///
/// Folding: full-width ASCII (U+FF01–FF5E) → ASCII and the ideographic space U+3000 → space, so
/// `１３８…` and `＠` match like their ASCII forms. Case is kept: formats that care (passport,
/// plate, USCC letters are upper case) decide themselves.
struct PatternText {
    let original: [Unicode.Scalar]
    let folded: [UInt32]

    init(_ text: String) {
        original = Array(text.unicodeScalars)
        folded = original.map { s in
            let v = s.value
            if (0xFF01...0xFF5E).contains(v) { return v - 0xFEE0 }
            return v == 0x3000 ? 0x20 : v
        }
    }

    var count: Int { folded.count }

    /// The folded code point at `i`, or 0 outside the text (0 is none of the classes below, so a
    /// scanner can look one past either end without a bounds check).
    subscript(i: Int) -> UInt32 { i >= 0 && i < folded.count ? folded[i] : 0 }

    func isDigit(_ i: Int) -> Bool { (0x30...0x39).contains(self[i]) }
    func isUpper(_ i: Int) -> Bool { (0x41...0x5A).contains(self[i]) }
    func isLetter(_ i: Int) -> Bool { isUpper(i) || (0x61...0x7A).contains(self[i]) }
    func isAlnum(_ i: Int) -> Bool { isDigit(i) || isLetter(i) }
    func digit(_ i: Int) -> Int { Int(self[i]) - 0x30 }
    func isScalar(_ i: Int, _ c: Unicode.Scalar) -> Bool { self[i] == c.value }
    /// Whether the original (unfolded) code point at `i` is ASCII: URL punctuation must be, or a
    /// Chinese sentence's full-width `，` and `：` would join the link.
    func isASCII(_ i: Int) -> Bool { i >= 0 && i < count && original[i].value < 0x80 }
    /// `c` as written, not folded: a thousands comma is `,`, never the sentence's `，`.
    func isOriginal(_ i: Int, _ c: Unicode.Scalar) -> Bool { i >= 0 && i < count && original[i] == c }

    /// The end of the run of ASCII letters and digits starting at `i` (`i` itself when there is
    /// none). Runs are how "a digit run inside a longer digit/letter run" is refused: every
    /// fixed-length format must be a whole run.
    func alnumRunEnd(from i: Int) -> Int {
        var j = i
        while isAlnum(j) { j += 1 }
        return j
    }

    /// Every maximal run of ASCII letters and digits, in order.
    func alnumRuns() -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var i = 0
        while i < count {
            if isAlnum(i) {
                let end = alnumRunEnd(from: i)
                runs.append(i..<end)
                i = end
            } else {
                i += 1
            }
        }
        return runs
    }

    func isDigits(_ r: Range<Int>) -> Bool { !r.isEmpty && r.allSatisfy(isDigit) }

    /// The decimal value of the `length` digits at `start` (the caller has checked they are digits).
    func number(_ start: Int, _ length: Int) -> Int {
        (start..<start + length).reduce(0) { $0 * 10 + digit($1) }
    }

    /// Digits as numbers.
    func digits(_ r: Range<Int>) -> [Int] { r.map(digit) }

    /// The all-digit runs from `j` on joined by one separator from `separators` (the same one
    /// throughout), e.g. `6222 0202 1234 5678`: at most `limit` groups, so that reading from every
    /// run start stays linear; `nil` when a group holds a letter. A chain ends where the character
    /// after a separator is not a digit.
    func digitGroups(from j: Int, separators: [UInt32], limit: Int) -> [Range<Int>]? {
        var groups: [Range<Int>] = []
        var start = j
        var separator: UInt32?
        while groups.count < limit {
            let end = alnumRunEnd(from: start)
            guard isDigits(start..<end) else { return nil }
            groups.append(start..<end)
            let next = self[end]
            guard separators.contains(next), separator == nil || separator == next, isDigit(end + 1) else { break }
            separator = next
            start = end + 1
        }
        return groups
    }

    /// Whether a number starting at `s` begins a token: no letter or digit before it, and no
    /// digit group before it joined by a separator (a chain read from its middle is no number).
    func startsToken(_ s: Int, separators: [UInt32]) -> Bool {
        !isAlnum(s - 1) && !(separators.contains(self[s - 1]) && isDigit(s - 2))
    }

    /// Left to right: where `match(i)` finds something starting at `i`, the scan resumes at its
    /// end, and `i..<end` is kept if `keep` (a refused candidate is still skipped whole, so its
    /// tail is not read as a match of its own); elsewhere it moves on by one.
    func scan(_ match: (Int) -> (end: Int, keep: Bool)?) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < count {
            if let found = match(i) {
                if found.keep, found.end > i { out.append(i..<found.end) }
                i = max(found.end, i + 1)
            } else {
                i += 1
            }
        }
        return out
    }

    /// Whether `word` (ASCII compared case-insensitively) lies within the `window` code points
    /// before `start`, ending by `start`.
    func hasWord(_ word: [UInt32], before start: Int, window: Int) -> Bool {
        let from = max(0, start - window)
        return start - from >= word.count && (from...(start - word.count)).contains { startsWith(word, at: $0) }
    }

    /// Whether `word` (lower-case ASCII or other code points) starts at `i`, ASCII compared
    /// case-insensitively.
    func startsWith(_ word: [UInt32], at i: Int) -> Bool {
        guard i >= 0, i + word.count <= count else { return false }
        for k in word.indices where Self.lower(folded[i + k]) != word[k] { return false }
        return true
    }

    /// Words as code points for `startsWith` and `hasWord`, longest first (so a search for the
    /// first that matches finds 元人民币 before 元). ASCII must be written in lower case.
    static func words(_ list: [String]) -> [[UInt32]] {
        list.map { Array($0.unicodeScalars.map(\.value)) }.sorted { $0.count > $1.count }
    }

    static func lower(_ v: UInt32) -> UInt32 { (0x41...0x5A).contains(v) ? v + 0x20 : v }

    /// The original text of `start..<end`.
    func text(_ start: Int, _ end: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: original[start..<end])
        return String(s)
    }
}

/// A found span before overlaps between recognizers are resolved.
struct PatternMatch: Equatable {
    let type: PatternType
    let start: Int
    let end: Int
    let score: Float
}
