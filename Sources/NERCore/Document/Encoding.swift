/// Token ids of a text with, for each token, where it came from.
///
/// Offsets are Unicode code-point indices into the caller's original string (end exclusive), the
/// same numbers Python `str` slicing uses, whatever normalisation did to the text.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int32] = []
    public var starts: [Int32] = []
    public var ends: [Int32] = []
    /// Index of the pre-tokenizer word each token belongs to; sub-word pieces share their word's.
    public var wordIDs: [Int32] = []

    public init() {}

    public var count: Int { ids.count }

    /// The tokens in `range`, offsets unchanged.
    func slice(_ range: Range<Int>) -> Encoding {
        var e = Encoding()
        e.ids = Array(ids[range])
        e.starts = Array(starts[range])
        e.ends = Array(ends[range])
        e.wordIDs = Array(wordIDs[range])
        return e
    }

    mutating func append(id: Int32, start: Int32, end: Int32, word: Int32) {
        ids.append(id)
        starts.append(start)
        ends.append(end)
        wordIDs.append(word)
    }
}
