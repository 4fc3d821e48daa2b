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
    /// Adds the next code points of a text to what its corpus guess reads (models that condition
    /// on a corpus; the default reads nothing). A text is added whole, or in parts in order.
    func tally(_ part: ArraySlice<Unicode.Scalar>, into tally: inout CorpusTally)
    /// The corpus the text `tally` saw resembles, with the detector's score per corpus, which the
    /// score calibration reads (id 0 = general, the default).
    func corpusGuess(_ tally: CorpusTally) -> CorpusGuess
    /// Whether tokens have vocabulary strings (`tokenString`), or are the text's own characters.
    var hasTokenStrings: Bool { get }
    /// Emission scores of each window, handed to `consume(index, rows)` as `tokens.count` rows of
    /// `labels.count` floats (valid during the call). Borrows a workspace, waiting for one if needed.
    func emissions(_ windows: [ModelWindow], consume: (Int, UnsafePointer<Float>) -> Void)
}

extension TokenClassifier {
    func tally(_ part: ArraySlice<Unicode.Scalar>, into tally: inout CorpusTally) {}
    func corpusGuess(_ tally: CorpusTally) -> CorpusGuess { CorpusGuess() }
}

/// What a corpus detector has read of a text so far (`TokenClassifier.tally`): the last character
/// (the left half of the next bigram) and the running detector sums.
public struct CorpusTally: Sendable {
    /// The previous code point as the model normalised it; nil at the text's start.
    var previous: UInt32?
    /// Bias plus the detector rows of the bigrams so far (empty until the first).
    var sums: [Float] = []
    /// Bigrams the detector knew.
    var known = 0
}

/// The corpus a text resembles (`TokenClassifier.corpusGuess(_:)`): its id (0 = general) and, for a
/// model with a corpus detector that saw enough known bigrams, the detector's score per corpus
/// (`names`, the general corpus left out, in the model's order).
struct CorpusGuess: Sendable {
    var id = 0
    var scores: [Float]? = nil
    var names: [String] = []
}
