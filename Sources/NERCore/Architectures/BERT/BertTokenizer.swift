/// BERT's BasicTokenizer + WordPiece, matching HF `BertTokenizerFast`
/// (BertNormalizer → BertPreTokenizer → WordPiece) token for token and offset for offset.
///
/// Normalisation (HF order): drop NUL/U+FFFD/control characters, map whitespace to a space, isolate
/// CJK ideographs, strip accents (NFD, then drop Mn), lower-case. Every normalised scalar remembers
/// the original code point it came from, which is how offsets survive expansions such as
/// `İ` → `i̇` or Hangul → jamo.
public struct BertTokenizer: Sendable {
    public struct Options: Sendable, Equatable {
        public var lowercase: Bool
        /// `nil` follows `lowercase`, as HF does.
        public var stripAccents: Bool?
        public var maxCharsPerWord: Int

        public init(lowercase: Bool = true, stripAccents: Bool? = nil, maxCharsPerWord: Int = 100) {
            self.lowercase = lowercase
            self.stripAccents = stripAccents
            self.maxCharsPerWord = maxCharsPerWord
        }
    }

    public let vocabulary: Vocabulary
    public let options: Options
    public let unkID: Int32
    public let clsID: Int32
    public let sepID: Int32
    public let padID: Int32
    /// Special tokens matched verbatim in the raw text before normalisation, longest first
    /// (HF's added tokens with normalized=False): "[SEP]" in a text is the separator token.
    private let specials: [(scalars: [Unicode.Scalar], id: Int32)]

    public init(vocabulary: Vocabulary, options: Options = Options()) throws {
        self.vocabulary = vocabulary
        self.options = options
        unkID = try vocabulary.requiredID("[UNK]")
        clsID = try vocabulary.requiredID("[CLS]")
        sepID = try vocabulary.requiredID("[SEP]")
        padID = vocabulary.id("[PAD]") ?? 0
        specials = ["[MASK]", "[PAD]", "[UNK]", "[CLS]", "[SEP]"].compactMap { token in
            vocabulary.id(token).map { (Array(token.unicodeScalars), $0) }
        }
    }

    /// The special token starting at `i`, if any.
    private func special(at i: Int, in scalars: ArraySlice<Unicode.Scalar>) -> (length: Int, id: Int32)? {
        guard scalars[i] == "[" else { return nil }
        for s in specials where scalars.endIndex - i >= s.scalars.count {
            if scalars[i..<(i + s.scalars.count)].elementsEqual(s.scalars) { return (s.scalars.count, s.id) }
        }
        return nil
    }

    /// Tokens of `text` without special tokens.
    public func encode(_ text: String) -> Encoding {
        let scalars = Array(text.unicodeScalars)
        return encode(scalars[...])
    }

    /// Tokens of a slice of a text's scalars; offsets are the slice's own indices (so a slice of a
    /// longer text yields offsets into that text). Word ids start at 0 for each call.
    public func encode(_ scalars: ArraySlice<Unicode.Scalar>) -> Encoding {
        var out = Encoding()
        out.ids.reserveCapacity(scalars.count)
        var word = WordBuffer()
        var wordIndex: Int32 = 0
        var expanded: [Unicode.Scalar] = []
        let strip = options.stripAccents ?? options.lowercase

        func flush() {
            guard !word.chars.isEmpty else { return }
            wordPiece(word, wordIndex: wordIndex, into: &out)
            wordIndex += 1
            word.removeAll()
        }

        var i = scalars.startIndex
        while i < scalars.endIndex {
            let s = scalars[i]
            defer { i += 1 }
            if let special = special(at: i, in: scalars) {
                flush()
                out.append(id: special.id, start: Int32(i), end: Int32(i + special.length), word: wordIndex)
                wordIndex += 1
                i += special.length - 1
                continue
            }
            if CharacterClass.isRemovedControl(s) { continue }
            if CharacterClass.isWhitespace(s) { flush(); continue }
            let origin = Int32(i)
            expanded.removeAll(keepingCapacity: true)
            normalize(s, strip: strip, into: &expanded)
            if CharacterClass.isCJK(s) {
                flush()
                for c in expanded { word.append(c, origin) }
                flush()
                continue
            }
            for c in expanded {
                if CharacterClass.isPunctuation(c) {
                    flush()
                    word.append(c, origin)
                    flush()
                } else if CharacterClass.isWhitespace(c) {
                    flush()
                } else {
                    word.append(c, origin)
                }
            }
        }
        flush()
        return out
    }

    private func normalize(_ s: Unicode.Scalar, strip: Bool, into out: inout [Unicode.Scalar]) {
        if s.value < 0x80 {
            out.append(options.lowercase && (0x41...0x5A).contains(s.value) ? Unicode.Scalar(s.value + 32)! : s)
            return
        }
        var stripped: [Unicode.Scalar] = []
        if strip {
            var nfd: [Unicode.Scalar] = []
            Decomposition.append(s, to: &nfd)
            stripped = nfd.filter { !CharacterClass.isNonspacingMark($0) }
        } else {
            stripped = [s]
        }
        guard options.lowercase else {
            out.append(contentsOf: stripped)
            return
        }
        for c in stripped {
            if c.properties.changesWhenLowercased {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            } else {
                out.append(c)
            }
        }
    }

    /// Greedy longest-match-first WordPiece; a word with any unmatched remainder, or longer than
    /// `maxCharsPerWord`, becomes one [UNK] spanning the whole word.
    private func wordPiece(_ word: WordBuffer, wordIndex: Int32, into out: inout Encoding) {
        let chars = word.chars
        let n = chars.count
        let wordStart = word.origins[0]
        let wordEnd = word.origins[n - 1] + 1
        if n > options.maxCharsPerWord {
            out.append(id: unkID, start: wordStart, end: wordEnd, word: wordIndex)
            return
        }
        if n == 1, let id = vocabulary.id(String(Character(chars[0]))) {
            out.append(id: id, start: wordStart, end: wordEnd, word: wordIndex)
            return
        }
        var pieces: [(id: Int32, start: Int, end: Int)] = []
        var start = 0
        while start < n {
            // Candidates longer than the vocabulary's longest token cannot match, so they are not
            // built: trying every end up to n made a word cost O(n³) (a 100 000-character text of
            // 100-letter words kept a worker busy for most of a minute). Same pieces as before.
            var end = min(n, start + vocabulary.longestToken)
            var found: Int32?
            while end > start {
                var candidate = start > 0 ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: chars[start..<end])
                if let id = vocabulary.id(candidate) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else {
                out.append(id: unkID, start: wordStart, end: wordEnd, word: wordIndex)
                return
            }
            pieces.append((id, start, end))
            start = end
        }
        for p in pieces {
            out.append(id: p.id, start: word.origins[p.start], end: word.origins[p.end - 1] + 1, word: wordIndex)
        }
    }
}

/// The normalised scalars of one pre-tokenizer word and the original index each came from.
private struct WordBuffer {
    var chars: [Unicode.Scalar] = []
    var origins: [Int32] = []

    mutating func append(_ c: Unicode.Scalar, _ origin: Int32) {
        chars.append(c)
        origins.append(origin)
    }

    mutating func removeAll() {
        chars.removeAll(keepingCapacity: true)
        origins.removeAll(keepingCapacity: true)
    }
}
