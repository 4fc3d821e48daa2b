import Foundation

/// A BERT token classifier loaded from an HF-style folder: tokenizer, encoder, optional CRF.
struct BertModel: Sendable {
    let config: BertConfig
    let tokenizer: BertTokenizer
    let encoder: BertEncoder
    let crf: CRF?

    /// CRF tensor names, beside the classifier in `model.safetensors`.
    static let crfTransitions = "crf.transitions"
    static let crfStart = "crf.start_transitions"
    static let crfEnd = "crf.end_transitions"

    init(directory: String, config: BertConfig, isa: ISA) throws {
        self.config = config
        let tokenizerConfig = directory + "/tokenizer_config.json"
        var options = BertTokenizer.Options()
        if FileManager.default.fileExists(atPath: tokenizerConfig) {
            let f = try JSONObjectFile(path: tokenizerConfig)
            options.lowercase = try f.bool("do_lower_case") ?? true
            options.stripAccents = try f.bool("strip_accents")
            if try f.bool("tokenize_chinese_chars") == false {
                throw NERError.modelFile(tokenizerConfig, "tokenize_chinese_chars=false is not supported")
            }
        }
        let vocabulary = try Vocabulary(contentsOf: URL(fileURLWithPath: directory + "/vocab.txt"))
        guard vocabulary.count == config.vocabSize else {
            throw NERError.invalidModel("vocab.txt has \(vocabulary.count) tokens but config.json says vocab_size \(config.vocabSize)")
        }
        tokenizer = try BertTokenizer(vocabulary: vocabulary, options: options)
        let file = try SafeTensors(path: directory + "/model.safetensors")
        let weights = try BertWeights(storage: WeightStorage(file: file), config: config)
        encoder = BertEncoder(weights: weights, isa: isa)
        crf = try BertModel.loadCRF(file, labels: config.labels.count)
    }

    static func loadCRF(_ file: SafeTensors, labels l: Int) throws -> CRF? {
        guard file.tensors[crfTransitions] != nil else { return nil }
        let transitions = try file.floats(crfTransitions, shape: [l, l])
        let start = file.tensors[crfStart] != nil ? try file.floats(crfStart, shape: [l]) : nil
        let end = file.tensors[crfEnd] != nil ? try file.floats(crfEnd, shape: [l]) : nil
        return CRF(labels: l, transitions: transitions, start: start, end: end)
    }
}
