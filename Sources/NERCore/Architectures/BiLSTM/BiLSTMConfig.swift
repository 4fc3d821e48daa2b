/// `config.json` of a zhner BiLSTM-CRF model (`"model_type": "zhner-bilstm-crf"`, tools/train/SPEC.md).
public struct BiLSTMConfig: Sendable, Equatable {
    public static let modelType = "zhner-bilstm-crf"

    public var charDim: Int
    public var bigramDim: Int
    public var lexiconDim: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var charVocabSize: Int
    public var bigramVocabSize: Int
    public var lexiconClasses: Int
    public var lexiconWordRows: Int
    public var maxWordLength: Int
    public var bos: UInt32
    public var eos: UInt32
    public var labels: [String]
    public var files: [String: String]
    /// "zhner-v1", or "zhner-v2": zhner-v1 after the Traditional → Simplified map in `files["charmap"]`.
    public var normalization: String
    /// Corpus names of a model trained with a corpus embedding (general first), else empty.
    public var domains: [String]
    /// Known bigrams a text needs before the detector picks a corpus for it.
    public var domainMinBigrams: Int

    /// Width of the first LSTM layer's input: char, left and right bigram, four lexicon sets.
    public var inputSize: Int { charDim + 2 * bigramDim + 4 * lexiconDim }

    public init(contentsOf path: String) throws {
        let f = try JSONObjectFile(path: path)
        normalization = try f.string("normalization")
        guard ["zhner-v1", "zhner-v2"].contains(normalization) else {
            throw NERError.modelFile(path, "normalization \"\(normalization)\" is not supported (zhner-v1 and zhner-v2 are)")
        }
        let order = f.object["input_order"] as? [String]
        guard order == nil || order! == ["char", "bigram_left", "bigram_right", "lexicon_B", "lexicon_M", "lexicon_E", "lexicon_S"] else {
            throw NERError.modelFile(path, "input_order \(order!) is not supported")
        }
        charDim = try f.int("char_dim")
        bigramDim = try f.int("bigram_dim")
        lexiconDim = try f.int("lexicon_dim")
        hiddenSize = try f.int("hidden_size")
        numLayers = try f.int("num_layers")
        charVocabSize = try f.int("char_vocab_size")
        bigramVocabSize = try f.int("bigram_vocab_size")
        lexiconClasses = try f.int("lexicon_num_classes")
        lexiconWordRows = try f.int("lexicon_word_rows", default: 0, min: 0)
        maxWordLength = try f.int("max_word_len")
        func marker(_ key: String) throws -> UInt32 {
            let s = try f.string(key)
            guard s.unicodeScalars.count == 1 else { throw NERError.modelFile(path, "\"\(key)\" must be one character") }
            return s.unicodeScalars.first!.value
        }
        bos = try marker("bos")
        eos = try marker("eos")
        labels = try f.labels()
        domains = f.object["domains"] as? [String] ?? []
        domainMinBigrams = try f.int("domain_min_bigrams", default: 4, min: 0)
        let fileMap = try f.files()
        files = ["weights": "model.safetensors", "chars": "chars.txt", "bigrams": "bigrams.txt", "lexicon": "lexicon.txt"]
            .merging(fileMap) { _, new in new }
        guard normalization == "zhner-v1" || files["charmap"] != nil else {
            throw NERError.modelFile(path, "normalization zhner-v2 needs \"files\": {\"charmap\": ...}")
        }
    }

    /// The normaliser of a model in `directory` (its character map loaded for zhner-v2).
    func normalizer(directory: String) throws -> CharNormalizer {
        guard normalization == "zhner-v2", let charmap = files["charmap"] else { return .v1 }
        return try CharNormalizer(charmapPath: directory + "/" + charmap)
    }
}
