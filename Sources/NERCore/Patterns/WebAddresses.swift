/// URL (http, https, ftp or www. addresses with a plausible host) and EMAIL (local@domain.tld).
/// Letters, digits, dots, hyphens and @ may be full-width; other punctuation in a URL must be ASCII
/// (a Chinese sentence's ，：would otherwise join the link).
enum WebAddresses {
    static let schemes = PatternText.words(["http://", "https://", "ftp://", "www."])
    /// ASCII punctuation a URL may contain (RFC 3986's reserved and unreserved characters and %).
    static let urlPunctuation = Set("-._~:/?#[]@!$&'()*+,;=%".unicodeScalars.map(\.value))
    /// What a URL does not end with: sentence punctuation right after a link belongs to the sentence.
    static let trailing = Set(".,;:!?'\")]".unicodeScalars.map(\.value))
    static let localPunctuation = Set("._%+-".unicodeScalars.map(\.value))

    static func urls(in t: PatternText) -> [Range<Int>] {
        t.scan { i in
            guard !t.isAlnum(i - 1), !t.isScalar(i - 1, "."), let scheme = schemes.first(where: { t.startsWith($0, at: i) }) else {
                return nil
            }
            // The host first: it is short, so a scheme without a host costs little to refuse.
            let hostStart = scheme.last == UInt32(0x2F) ? i + scheme.count : i
            var hostEnd = hostStart
            while isHostChar(t, hostEnd) { hostEnd += 1 }
            while hostEnd > hostStart, t.isScalar(hostEnd - 1, ".") { hostEnd -= 1 }
            guard isHost(t, hostStart..<hostEnd) || isLocalhost(t, hostStart..<hostEnd) else { return nil }
            var end = hostEnd
            while t.isAlnum(end) || (t.isASCII(end) && urlPunctuation.contains(t[end])) { end += 1 }
            while end > hostEnd, trailing.contains(t[end - 1]) { end -= 1 }
            return (end, true)
        }
    }

    static func emails(in t: PatternText) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for at in 0..<t.count where t.isScalar(at, "@") {
            var start = at
            while t.isAlnum(start - 1) || localPunctuation.contains(t[start - 1]) { start -= 1 }
            while t.isScalar(start, ".") { start += 1 }
            var end = at + 1
            while isHostChar(t, end) { end += 1 }
            while end > at + 1, t.isScalar(end - 1, ".") || t.isScalar(end - 1, "-") { end -= 1 }
            let local = start..<at
            guard (1...64).contains(local.count), !t.isScalar(at - 1, "."),
                  !local.dropLast().contains(where: { t.isScalar($0, ".") && t.isScalar($0 + 1, ".") }),
                  isHost(t, at + 1..<end) else { continue }
            out.append(start..<end)
        }
        return out
    }

    /// Letters, digits, dots and hyphens. Full-width ．and － count: unlike ，and ：, Chinese text
    /// does not use them as sentence punctuation.
    static func isHostChar(_ t: PatternText, _ i: Int) -> Bool {
        t.isAlnum(i) || t.isScalar(i, ".") || t.isScalar(i, "-")
    }

    static let localhost = PatternText.words(["localhost"])[0]

    static func isLocalhost(_ t: PatternText, _ r: Range<Int>) -> Bool {
        r.count == localhost.count && t.startsWith(localhost, at: r.lowerBound)
    }

    /// Dot-separated labels of letters, digits and inner hyphens, at least two, the last all
    /// letters (2 or more).
    static func isHost(_ t: PatternText, _ r: Range<Int>) -> Bool {
        let name = r.map { PatternText.lower(t[$0]) }
        let labels = name.split(separator: 0x2E, omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.first != 0x2D && $0.last != 0x2D }),
              let tld = labels.last, tld.count >= 2 else { return false }
        return tld.allSatisfy { (0x61...0x7A).contains($0) }
    }

}
