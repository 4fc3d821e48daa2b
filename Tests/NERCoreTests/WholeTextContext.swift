@testable import NERCore

// The engine reads a text's corpus and shape part by part (`tally`, `TextShape.add`), as documents
// arrive; the tests state them for a whole text at once.

extension TokenClassifier {
    /// The corpus a whole text resembles.
    func corpus(of scalars: [Unicode.Scalar]) -> Int {
        var t = CorpusTally()
        tally(scalars[...], into: &t)
        return corpusGuess(t).id
    }
}

extension ScoreCalibration {
    /// `context(of:corpus:)` of a whole text.
    func context(of scalars: [Unicode.Scalar], corpus guess: CorpusGuess) -> Context? {
        var shape = TextShape()
        shape.add(scalars[...])
        return context(of: shape, corpus: guess)
    }
}
