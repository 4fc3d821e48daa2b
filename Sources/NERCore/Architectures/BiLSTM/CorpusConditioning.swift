/// A BiLSTM-CRF trained with a corpus embedding can be told which corpus a text resembles
/// (tools/train/domains.py, SPEC.md §4a): each training corpus annotates names its own way, and a
/// model told the right one scores 2–4 F1 points higher on that corpus's text than with the general id
/// folded into its weights.
/// Per text, a linear classifier over the model's bigram ids (a logistic regression, tools/train/domains.py)
/// picks the corpus; its row of `domain.delta` is then added to layer 0's gate pre-activations of every token.
struct CorpusConditioning: @unchecked Sendable {
    // Pointers into the model's WeightStorage, read-only after loading.
    /// Corpus names, the general one (id 0) first.
    let names: [String]
    /// [names.count, 8H]: gate changes per corpus id; row 0 is zero.
    let delta: UnsafePointer<Float>
    /// [bigram vocabulary, names.count − 1]: each bigram's weight towards each corpus (row 0, unknown: zero).
    let detector: UnsafePointer<Float>
    /// [names.count − 1]: each corpus's score before any bigram is counted.
    let bias: UnsafePointer<Float>
    let minBigrams: Int
    let width: Int

    static let deltaName = "domain.delta"
    static let detectorName = "domain.detector"
    static let biasName = "domain.detector_bias"

    /// nil when the model carries no corpus tensors (every model before v4).
    init?(storage: WeightStorage, config c: BiLSTMConfig) throws {
        guard c.domains.count > 1, storage.file.tensors[Self.deltaName] != nil else { return nil }
        names = c.domains
        width = 8 * c.hiddenSize
        delta = try storage.floats(Self.deltaName, shape: [names.count, width])
        detector = try storage.floats(Self.detectorName, shape: [c.bigramVocabSize, names.count - 1])
        bias = try storage.floats(Self.biasName, shape: [names.count - 1])
        minBigrams = c.domainMinBigrams
    }

    /// The corpus id of the text whose left bigrams `tally` summed: 1 + the argmax of the bias plus
    /// the summed detector rows (float32, ties to the lower id), or 0 (general) below `minBigrams`
    /// known ones.
    func detect(_ tally: CorpusTally) -> Int {
        guard let score = scores(tally) else { return 0 }
        var best = 0
        for j in 1..<score.count where score[j] > score[best] { best = j }
        return best + 1
    }

    /// Each corpus's detector score (bias plus the summed detector rows, float32 in position order;
    /// `names.count − 1` of them, the general corpus left out), or nil below `minBigrams` known bigrams.
    /// `detect` picks their argmax; the score calibration (ScoreCalibration) reads all of them.
    func scores(_ tally: CorpusTally) -> [Float]? {
        guard tally.known >= minBigrams else { return nil }
        return tally.sums.isEmpty ? (0..<names.count - 1).map { bias[$0] } : tally.sums
    }

    /// One more left bigram id, in text order. Summed in the same order whether the text comes
    /// whole or in parts (a document read from a file), so both get the same float32 scores.
    func add(_ id: Int, to tally: inout CorpusTally) {
        let k = names.count - 1
        if tally.sums.isEmpty { tally.sums = (0..<k).map { bias[$0] } }
        if id != 0 { tally.known += 1 }
        let row = detector + id * k
        for j in 0..<k { tally.sums[j] += row[j] }
    }

    /// Adds corpus `id`'s gate change to one token's 8H gate pre-activations.
    func apply(_ id: Int, to gates: UnsafeMutablePointer<Float>) {
        guard id > 0 else { return }
        let row = delta + id * width
        for j in 0..<width { gates[j] += row[j] }
    }
}
