import Foundation

/// `config.json` of a BERT-family token-classification model (HF `BertConfig` fields).
public struct BertConfig: Sendable, Equatable {
    public var modelType: String
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var hiddenAct: String
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    /// Labels by id; ids are 0..<count.
    public var labels: [String]

    public var headSize: Int { hiddenSize / numAttentionHeads }
}

/// Reads the JSON object of a model folder file with messages that name the file.
struct JSONObjectFile {
    let path: String
    let object: [String: Any]

    init(path: String) throws {
        self.path = path
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.modelFile(path, "cannot read: \(error.reason)")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: data), let dict = obj as? [String: Any] else {
            throw NERError.modelFile(path, "not a JSON object")
        }
        object = dict
    }

    func int(_ key: String, default def: Int? = nil, min: Int = 1) throws -> Int {
        guard let v = object[key] else {
            if let def { return def }
            throw NERError.modelFile(path, "missing \"\(key)\"")
        }
        guard let n = JSONValue.integer(v), n >= min, n <= 1 << 30 else {
            throw NERError.modelFile(path, "\"\(key)\" must be an integer in \(min)...\(1 << 30)")
        }
        return n
    }

    func float(_ key: String, default def: Float) throws -> Float {
        guard let v = object[key] else { return def }
        guard let n = JSONValue.number(v) else { throw NERError.modelFile(path, "\"\(key)\" must be a number") }
        return n.floatValue
    }

    func string(_ key: String, default def: String? = nil) throws -> String {
        guard let v = object[key] else {
            if let def { return def }
            throw NERError.modelFile(path, "missing \"\(key)\"")
        }
        guard let s = v as? String else { throw NERError.modelFile(path, "\"\(key)\" must be a string") }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let b = JSONValue.bool(v) else { throw NERError.modelFile(path, "\"\(key)\" must be true or false") }
        return b
    }

    /// The `"files"` map (a role → a file of the model folder). Each must lie inside the folder:
    /// relative, with no empty, `.` or `..` part, for `zhner quantize` copies, deletes and
    /// overwrites these paths under its output folder (`"../../x"` wrote outside it).
    func files() throws -> [String: String] {
        guard let raw = object["files"] else { return [:] }
        guard let map = raw as? [String: String] else {
            throw NERError.modelFile(path, "\"files\" must map names to file paths (strings)")
        }
        for (role, file) in map where file.hasPrefix("/") || file.split(separator: "/", omittingEmptySubsequences: false)
            .contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            throw NERError.modelFile(path, "\"files\": \"\(role)\" must be a relative path inside the model folder, without . or .. parts")
        }
        return map
    }

    /// `id2label` as a dense array: keys must be exactly "0" ..< count.
    func labels() throws -> [String] {
        guard let raw = object["id2label"] as? [String: Any], !raw.isEmpty else {
            throw NERError.modelFile(path, "missing \"id2label\" (the label of each class id)")
        }
        var labels = [String?](repeating: nil, count: raw.count)
        for (k, v) in raw {
            guard let i = Int(k), i >= 0, i < raw.count, let name = v as? String, !name.isEmpty else {
                throw NERError.modelFile(path, "id2label must map \"0\"…\"\(raw.count - 1)\" to label names")
            }
            labels[i] = name
        }
        // Two spellings of one id ("1" and "01", or "+1") leave another id without a label.
        let named = labels.compactMap { $0 }
        guard named.count == labels.count else {
            throw NERError.modelFile(path, "id2label must map \"0\"…\"\(raw.count - 1)\" to label names, each id once")
        }
        return named
    }
}

extension BertConfig {
    public init(contentsOf path: String) throws {
        let f = try JSONObjectFile(path: path)
        self.init(
            modelType: try f.string("model_type", default: "bert"),
            vocabSize: try f.int("vocab_size"),
            hiddenSize: try f.int("hidden_size"),
            numHiddenLayers: try f.int("num_hidden_layers"),
            numAttentionHeads: try f.int("num_attention_heads"),
            intermediateSize: try f.int("intermediate_size"),
            hiddenAct: try f.string("hidden_act", default: "gelu"),
            maxPositionEmbeddings: try f.int("max_position_embeddings"),
            typeVocabSize: try f.int("type_vocab_size", default: 2),
            layerNormEps: try f.float("layer_norm_eps", default: 1e-12),
            labels: try f.labels())
        guard hiddenSize % numAttentionHeads == 0 else {
            throw NERError.modelFile(path, "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard hiddenAct == "gelu" || hiddenAct == "gelu_python" else {
            throw NERError.modelFile(path, "hidden_act \"\(hiddenAct)\" is not supported (only the exact-erf \"gelu\")")
        }
        guard maxPositionEmbeddings >= 3 else {
            throw NERError.modelFile(path, "max_position_embeddings must leave room for [CLS] and [SEP]")
        }
    }
}
