/// What `Recognizer` needs from a loaded architecture: tokens with offsets, and a score per label
/// per token. Chunking, decoding and entity assembly are shared.
protocol TokenClassifier: Sendable {
    var labels: [String] { get }
    var crf: CRF? { get }
    /// Most tokens one window may hold (special tokens excluded).
    var windowCapacity: Int { get }
    /// Bytes of the preallocated workspaces.
    var workspaceBytes: Int { get }
    /// One line on the architecture, for `zhner info` and the server's model metadata.
    var architecture: String { get }

    func encode(_ scalars: ArraySlice<Unicode.Scalar>) -> Encoding
    /// The vocabulary string of a token id, as transformers' `convert_ids_to_tokens` gives it; nil
    /// where the model has no such vocabulary or the id is the unknown token (callers then use
    /// the token's source text, as transformers' pipeline does for `[UNK]`).
    func tokenString(_ id: Int32) -> String?
    /// The corpus a whole text resembles, for models that condition on one (0 = general, the default).
    func corpus(of scalars: [Unicode.Scalar]) -> Int
    /// `corpus(of:)` with the detector's score per corpus, which the score calibration reads.
    func corpusGuess(of scalars: [Unicode.Scalar]) -> CorpusGuess
    /// Whether tokens have vocabulary strings (`tokenString`), or are the text's own characters.
    var hasTokenStrings: Bool { get }
    /// Emission scores of each window, handed to `consume(index, rows)` as `tokens.count` rows of
    /// `labels.count` floats (valid during the call). Borrows a workspace, waiting for one if needed.
    func emissions(_ windows: [ModelWindow], consume: (Int, UnsafePointer<Float>) -> Void)
}

extension TokenClassifier {
    func corpus(of scalars: [Unicode.Scalar]) -> Int { 0 }
    func corpusGuess(of scalars: [Unicode.Scalar]) -> CorpusGuess { CorpusGuess(id: corpus(of: scalars)) }
}

/// The corpus a text resembles (`TokenClassifier.corpusGuess(of:)`): its id (0 = general) and, for a
/// model with a corpus detector that saw enough known bigrams, the detector's score per corpus
/// (`names`, the general corpus left out, in the model's order).
struct CorpusGuess: Sendable {
    var id = 0
    var scores: [Float]? = nil
    var names: [String] = []
}
