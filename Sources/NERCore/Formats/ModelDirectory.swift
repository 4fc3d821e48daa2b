import Foundation

/// A model folder: which architecture it holds, and checks of its files with messages that say how
/// to fix what is missing.
enum ModelDirectory {
    static func checkFiles(_ dir: String, needs files: [String]) throws {
        let fm = FileManager.default
        if !fm.fileExists(atPath: dir + "/model.safetensors"), fm.fileExists(atPath: dir + "/pytorch_model.bin") {
            throw NERError.invalidModel("""
                \(dir) has only pytorch_model.bin; zhner reads safetensors. Convert it once with: \
                python -c "import torch, safetensors.torch as s; \
                s.save_file({k: v.contiguous() for k, v in torch.load('\(dir)/pytorch_model.bin').items()}, \
                '\(dir)/model.safetensors')"
                """)
        }
        for f in ["model.safetensors"] + files where !fm.fileExists(atPath: dir + "/" + f) {
            throw NERError.invalidModel("\(dir) has no \(f)")
        }
    }

    /// Loads the architecture `config.json` names.
    static func load(_ dir: String, isa: ISA, limits: WorkspaceLimits) throws -> any TokenClassifier {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NERError.invalidModel("\(dir) is not a directory (pass a model folder with config.json, vocab.txt, model.safetensors)")
        }
        guard FileManager.default.fileExists(atPath: dir + "/config.json") else {
            throw NERError.invalidModel("\(dir) has no config.json")
        }
        let type = try JSONObjectFile(path: dir + "/config.json").string("model_type", default: "bert")
        switch type {
        case BiLSTMConfig.modelType:
            return try BiLSTMModel(directory: dir, isa: isa, limits: limits)
        case "bert":
            return try BertModel(directory: dir, isa: isa, limits: limits)
        default:
            throw NERError.invalidModel("\(dir)/config.json: model_type \"\(type)\" is not supported (bert, \(BiLSTMConfig.modelType))")
        }
    }
}
