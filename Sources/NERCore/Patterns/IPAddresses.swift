/// IP: IPv4 dotted quads (each octet 0–255, no leading zero) and IPv6 addresses (eight groups of
/// 1–4 hex digits, one `::` for a run of zero groups, an IPv4 tail allowed). Neither may touch
/// further letters, digits, dots or colons.
enum IPAddresses {
    static func find(in t: PatternText) -> [Range<Int>] {
        t.scan { i in
            // Candidates start where the previous character cannot belong to an address.
            guard isAddressChar(t, i), !isAddressChar(t, i - 1), !t.isAlnum(i - 1) else { return nil }
            var end = i
            while isAddressChar(t, end) { end += 1 }
            let touches = t.isAlnum(end)
            while end > i, t.isScalar(end - 1, ".") { end -= 1 }  // a sentence's full stop
            return (end, !touches && (isIPv4((i..<end).map { t[$0] }[...]) || isIPv6(t, i..<end)))
        }
    }

    /// Hex digits and ASCII `.` and `:`.
    static func isAddressChar(_ t: PatternText, _ i: Int) -> Bool {
        isHex(t[i]) || t.isOriginal(i, ".") || t.isOriginal(i, ":")
    }

    static func isHex(_ v: UInt32) -> Bool { (0x30...0x39).contains(v) || (0x41...0x46).contains(v) || (0x61...0x66).contains(v) }

    static func isIPv6(_ t: PatternText, _ r: Range<Int>) -> Bool {
        let text = r.map { t[$0] }
        let colons = text.filter { $0 == 0x3A }.count
        guard colons >= 2 else { return false }
        // Split at "::" (at most one); each side is colon-separated groups.
        var halves: [[UInt32]] = [text]
        if let k = text.indices.dropLast().first(where: { text[$0] == 0x3A && text[$0 + 1] == 0x3A }) {
            halves = [Array(text[..<k]), Array(text[(k + 2)...])]
        }
        var groups = 0
        for (h, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: 0x3A, omittingEmptySubsequences: false)
            for (p, part) in parts.enumerated() {
                if part.allSatisfy(isHex), (1...4).contains(part.count) {
                    groups += 1
                } else if h == halves.count - 1, p == parts.count - 1, isIPv4(part) {
                    groups += 2
                } else {
                    return false
                }
            }
        }
        return halves.count == 2 ? groups <= 7 && groups >= 1 : groups == 8
    }

    /// Four dot-separated octets 0–255 without leading zeros, as folded code points.
    static func isIPv4(_ part: ArraySlice<UInt32>) -> Bool {
        let octets = part.split(separator: 0x2E, omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { o in
            (1...3).contains(o.count) && o.allSatisfy { (0x30...0x39).contains($0) } && (o.count == 1 || o.first != 0x30)
                && o.reduce(0) { $0 * 10 + Int($1) - 0x30 } <= 255
        }
    }
}
