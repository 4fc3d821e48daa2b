/// `OutputEntities.finalEntities` of one long text, piece by piece as the model's entities come
/// (`Recognizer.recognize(_:pieceTokens:isCancelled:onPiece:)`), for the streaming routes. Lexicon
/// matches and pattern entities are found and merged in the whole text first, since a pattern may
/// cross a piece's edge; each piece gets those starting in it and the model entities of the piece
/// that survive all of them and the text's web addresses. So the pieces add up to the whole text's
/// `finalEntities`, sorted by start.
public struct StreamedEntities {
    private let fixed: [Entity]
    /// What no model entity may overlap: `fixed` and the text's URLs and e-mail addresses, as
    /// disjoint spans sorted by start, so each model entity costs one binary search.
    private let blocked: [Range<Int>]
    private let types: Set<String>?
    private var next = 0

    public init(text: String, lexicon: UserLexicon?, patternTypes: Set<String>, types: Set<String>?) {
        // Types are filtered per piece: an entity left out must still block the model's beneath it.
        fixed = OutputEntities.finalEntities(text: text, model: [], lexicon: lexicon, patternTypes: patternTypes, types: nil)
        blocked = PatternMerge.union(PatternRecognizer.webAddressSpans(in: text) + fixed.map(PatternMerge.span))
        self.types = types
    }

    /// The entities of the next piece, which ends at code point `processed` of `total` and whose
    /// model entities are `model`.
    public mutating func piece(model: [Entity], processed: Int, total: Int) -> [Entity] {
        let first = next
        while next < fixed.count, processed == total || fixed[next].start < processed { next += 1 }
        // A model entity of this piece may overlap one of `fixed` that starts in an earlier or later piece.
        let unblocked = model.filter { !PatternMerge.overlaps(blocked, PatternMerge.span($0)) }
        // `fixed` is merged already, so its entities go in as one list: their sources rank them.
        return OutputEntities.finalEntities(model: unblocked, lexicon: [], patterns: Array(fixed[first..<next]), types: types)
    }
}
