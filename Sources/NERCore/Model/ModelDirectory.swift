import Foundation

/// Checks of a model folder's files, with messages that say how to fix what is missing.
enum ModelDirectory {
    static func checkFiles(_ dir: String) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: dir + "/config.json") else {
            throw NERError.invalidModel("\(dir) has no config.json")
        }
        if !fm.fileExists(atPath: dir + "/model.safetensors") {
            if fm.fileExists(atPath: dir + "/pytorch_model.bin") {
                throw NERError.invalidModel("""
                    \(dir) has only pytorch_model.bin; zhner reads safetensors. Convert it once with: \
                    python -c "import torch, safetensors.torch as s; \
                    s.save_file({k: v.contiguous() for k, v in torch.load('\(dir)/pytorch_model.bin').items()}, \
                    '\(dir)/model.safetensors')"
                    """)
            }
            throw NERError.invalidModel("\(dir) has no model.safetensors")
        }
        guard fm.fileExists(atPath: dir + "/vocab.txt") else {
            throw NERError.invalidModel("\(dir) has no vocab.txt")
        }
    }
}
