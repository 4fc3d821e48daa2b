import Foundation

/// The WordPiece vocabulary and normaliser settings of a `tokenizer.json` (the `tokenizers`
/// library's file). transformers 5 saves a BERT tokenizer as this file alone, without vocab.txt,
/// so a folder fresh from `save_pretrained` needs it read.
struct TokenizerJSON {
    let vocabulary: Vocabulary
    let options: BertTokenizer.Options

    init(path: String) throws {
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.modelFile(path, "cannot read: \(error.reason)")
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: data), let root = parsed as? [String: Any] else {
            throw NERError.modelFile(path, "not a JSON object")
        }
        guard let model = root["model"] as? [String: Any], model["type"] as? String == "WordPiece",
              let vocab = model["vocab"] as? [String: Any]
        else {
            throw NERError.modelFile(path, "holds no WordPiece vocabulary (model.type must be WordPiece, as BERT's is)")
        }
        if let prefix = model["continuing_subword_prefix"] as? String, prefix != "##" {
            throw NERError.modelFile(path, "continuing_subword_prefix \"\(prefix)\" is not supported (only \"##\")")
        }
        var tokens = [String?](repeating: nil, count: vocab.count)
        for (token, value) in vocab {
            guard let id = (value as? NSNumber)?.intValue, tokens.indices.contains(id), tokens[id] == nil else {
                throw NERError.modelFile(path, "vocabulary ids must be 0..<\(vocab.count), each once (token \(token))")
            }
            tokens[id] = token
        }
        vocabulary = try Vocabulary(tokens: tokens.map { $0! })
        var options = BertTokenizer.Options()
        if let normalizer = root["normalizer"] as? [String: Any], normalizer["type"] as? String == "BertNormalizer" {
            options.lowercase = normalizer["lowercase"] as? Bool ?? true
            options.stripAccents = normalizer["strip_accents"] as? Bool
            if normalizer["handle_chinese_chars"] as? Bool == false {
                throw NERError.modelFile(path, "handle_chinese_chars=false is not supported")
            }
        }
        self.options = options
    }
}
