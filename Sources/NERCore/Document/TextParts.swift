/// What the model and the score calibration read of a whole text rather than of one sentence: the
/// corpus it resembles, its shape (length, last character, share of Latin letters and digits), and
/// its tokens' count, which decides whether it runs whole or sentence by sentence.
/// A text too long to hold at once (a document the server spooled to a file) is summarised part by
/// part first (`Recognizer.summarize`), then recognised part by part
/// (`Recognizer.recognize(part:of:...)`) with the whole text's summary, so its entities and scores
/// are the whole text's.
public struct TextSummary: Sendable {
    var corpus = CorpusTally()
    var shape = ScoreCalibration.TextShape()
    /// Code points summarised so far.
    public internal(set) var characters = 0
    /// The model's tokens of them: exact while at most the model's window, the only case where the
    /// number matters (`prepare`); once past it, `summarize` stops encoding and it stays past it.
    var tokens = 0

    public init() {}
}

extension Recognizer {
    /// Code points per part of a document (`TextSegments`), the server's and `zhner tag`'s for a
    /// long line: what one holds of the model's state at a time (and what the server charges a
    /// document stream for, `MemoryBudget.documentCharge`). Only a run this long without a
    /// sentence end is cut elsewhere than where the whole text's sentences end.
    public static let documentPartCharacters = 32_768

    /// Adds the next part of a text (parts in order, nothing left out, each ending where a
    /// sentence ends, so that the parts' tokens are the whole text's) to its summary.
    public func summarize(_ part: some Sequence<Unicode.Scalar>, into summary: inout TextSummary) {
        let scalars = Array(part)
        let tokens = summary.tokens > model.windowCapacity ? 0 : model.encode(scalars[...]).count
        add(scalars[...], tokens: tokens, into: &summary)
    }

    /// The summary of a whole text read in `parts` (the first reading of a document).
    public func summary<Bytes>(of parts: TextSegments<Bytes>) throws(InvalidUTF8) -> TextSummary {
        var parts = parts
        var summary = TextSummary()
        while let part = try parts.next() { summarize(part.text.unicodeScalars, into: &summary) }
        return summary
    }

    /// The summary of a whole text of `tokens` tokens (already encoded by the caller).
    func summary(of scalars: [Unicode.Scalar], tokens: Int) -> TextSummary {
        var s = TextSummary()
        add(scalars[...], tokens: tokens, into: &s)
        return s
    }

    private func add(_ scalars: ArraySlice<Unicode.Scalar>, tokens: Int, into summary: inout TextSummary) {
        summary.characters += scalars.count
        summary.tokens += tokens
        model.tally(scalars, into: &summary.corpus)
        // The shape is only read by a calibration that takes a context; others skip the pass.
        if calibration?.needsContext == true { summary.shape.add(scalars) }
    }

    /// `recognize(_:pieceTokens:isCancelled:onPiece:)` of one part of a longer text whose summary
    /// is `whole`. A part must end where the whole text's sentence splitting ends a sentence
    /// (`TextSegments` cuts so), or at the text's end: the parts' entities, offsets shifted by
    /// where each part starts, are then exactly the whole text's. `onPiece`'s code points count
    /// within the part.
    public func recognize(part: String, of whole: TextSummary, pieceTokens: Int, isCancelled: () -> Bool = { false },
                          onPiece: ([Entity], Int, Int) -> Void) {
        recognize(prepare(part, partOf: whole), pieceTokens: pieceTokens, isCancelled: isCancelled, onPiece: onPiece)
    }

    /// `OutputEntities.finalEntities` of a text held whole but run part by part, as the server runs
    /// a document (`TextSegments` parts of `partCharacters` code points, summarised first): the
    /// model's state then grows with one part, not with the text (≈ 90 bytes per code point of
    /// a whole BiLSTM-CRF text; a 20 M-character line without a line break took 1.8 GB). The
    /// entities are the whole text's but where a run of over `partCharacters` code points has no
    /// sentence end.
    public func finalEntities(partsOf text: String, partCharacters: Int, lexicon: UserLexicon?, patternTypes: Set<String>,
                              types: Set<String>?) -> [Entity] {
        // A String's UTF-8 is valid: the parts never throw.
        let summary = (try? summary(of: TextSegments(text.utf8.makeIterator(), limit: partCharacters))) ?? TextSummary()
        var entities: [Entity] = []
        var parts = TextSegments(text.utf8.makeIterator(), limit: partCharacters)
        while let part = try? parts.next() {
            let doc = prepare(part.text, partOf: summary)
            let model = run([(doc, doc.sentences.indices)], decode: decode)[0].flatMap { $0 }
            for var e in OutputEntities.finalEntities(text: part.text, model: model, lexicon: lexicon, patternTypes: patternTypes, types: types) {
                e.start += part.start
                e.end += part.start
                entities.append(e)
            }
        }
        return entities
    }
}
