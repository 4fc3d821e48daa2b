/// Splits text into sentences, the units zhner tags independently.
///
/// A sentence ends after 。！？…, or after ASCII ! ? followed by whitespace (so URLs with `?`
/// stay whole), together with any closing quotes/brackets that follow; a line break always ends
/// one. Tagging sentence by sentence makes a long text's entities exactly the union of its
/// sentences' entities, and keeps sequences short.
enum SentenceSplitter {
    static func split(_ s: ArraySlice<Unicode.Scalar>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = s.startIndex
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            var cut: Int?
            if c == "\n" || c == "\r" {
                cut = i + 1
            } else if isTerminal(c) || ((c == "!" || c == "?") && (i + 1 == s.endIndex || isSpace(s[i + 1]))) {
                var j = i + 1
                while j < s.endIndex, isTerminal(s[j]) || isCloser(s[j]) { j += 1 }
                cut = j
            }
            if let cut {
                if cut > start { out.append(start..<cut) }
                start = cut
                i = cut
            } else {
                i += 1
            }
        }
        if start < s.endIndex { out.append(start..<s.endIndex) }
        return out
    }

    private static func isTerminal(_ c: Unicode.Scalar) -> Bool {
        c == "。" || c == "！" || c == "？" || c == "…" || c == "｡"
    }

    private static func isCloser(_ c: Unicode.Scalar) -> Bool {
        "”’」』）》】〕〉\"')]".unicodeScalars.contains(c)
    }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{3000}"
    }
}
