/// A UTF-8 text read from a byte source, in parts of at most `limit` code points that end where
/// the whole text's sentence splitting (`SentenceSplitter`) ends a sentence, for
/// `Recognizer.recognize(part:of:...)`: the server streams a document spooled to a file this way,
/// holding one part at a time. Only a run of more than `limit` code points without a sentence end
/// is cut elsewhere (at `limit`), and only there can the parts' entities differ from the whole
/// text's. A byte order mark at the start is not part of the text.
public struct TextSegments<Bytes: IteratorProtocol<UInt8>> {
    private var scalars: UTF8Scalars<Bytes>
    private let limit: Int
    /// Code points read but not yet handed out: the start of the next part.
    private var pending: [Unicode.Scalar] = []
    private var start = 0
    private var ended = false

    public init(_ bytes: Bytes, limit: Int) {
        precondition(limit > 0)
        scalars = UTF8Scalars(bytes)
        self.limit = limit
    }

    /// The next part and the code point of the text where it starts; nil after the last part.
    public mutating func next() throws(InvalidUTF8) -> (text: String, start: Int)? {
        while !ended, pending.count < limit {
            guard let s = try scalars.next() else {
                ended = true
                break
            }
            pending.append(s)
        }
        guard !pending.isEmpty else { return nil }
        var cut = pending.count
        if !ended {
            // The last sentence may go on past what was read: it starts the next part, unless it
            // is the only one (no sentence end in `limit` code points).
            let sentences = SentenceSplitter.split(pending[...])
            if sentences.count > 1, let last = sentences.last { cut = last.lowerBound }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: pending[..<cut])
        pending.removeFirst(cut)
        defer { start += cut }
        return (text, start)
    }
}

/// Bytes that are not UTF-8, at `byteOffset` of the source.
public struct InvalidUTF8: Error, Equatable {
    public let byteOffset: Int
}

/// The code points of UTF-8 bytes, the leading byte order mark skipped.
struct UTF8Scalars<Bytes: IteratorProtocol<UInt8>> {
    private var bytes: Bytes
    private var parser = Unicode.UTF8.ForwardParser()
    private var offset = 0

    init(_ bytes: Bytes) { self.bytes = bytes }

    mutating func next() throws(InvalidUTF8) -> Unicode.Scalar? {
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                defer { offset += encoded.count }
                if offset == 0, scalar == "\u{FEFF}" { continue }
                return scalar
            case .error:
                throw InvalidUTF8(byteOffset: offset)
            case .emptyInput:
                return nil
            }
        }
    }
}
