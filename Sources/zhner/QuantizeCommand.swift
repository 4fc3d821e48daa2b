import Foundation
import NERCore

/// `zhner quantize IN_DIR OUT_DIR`.
enum QuantizeCommand: Command {
    static let help = """
        Usage: zhner quantize IN_DIR OUT_DIR [--calibration FILE] [--fold-bigrams N] [--fold-words N]
                                       [--force]

        Writes an INT8 copy of the model folder IN_DIR (F32, F16 or BF16 safetensors) to OUT_DIR:
        linear layers per-output-channel symmetric int8, pre-packed for the kernels, word
        embeddings int8 per row, everything else F32. Of IN_DIR's other files only those a model
        folder is read for are copied: config.json, vocab.txt, tokenizer.json, tokenizer_config.json,
        special_tokens_map.json and the files config.json's "files" map declares; the rest (a
        model.onnx, a PyTorch checkpoint, notes) are named on stderr and left out.
        The new model.safetensors is a valid safetensors file that zhner maps without copying.

          --calibration FILE  BiLSTM-CRF models: a text like the one to be tagged, one sentence
                              per line; its most frequent bigrams and lexicon words get their
                              input projections precomputed at load time (faster tagging,
                              8 × hidden bytes of memory per bigram side or word position)
          --fold-bigrams N    how many bigrams --calibration picks (default 8192; seen ≥ 2 times)
          --fold-words N      how many (word, B/M/E/S position) pairs it picks (default 8192;
                              seen ≥ 2 times)
          --force             replace OUT_DIR's files if it already holds a model

        Exit codes: 0 ok, 2 usage (also OUT_DIR that is IN_DIR, --calibration of a BERT model, a
        calibration text that is not UTF-8), 66 bad or missing model in IN_DIR, 74 I/O error
        (OUT_DIR a file or not writable, the calibration text unreadable).
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["calibration", "fold-bigrams", "fold-words"], flags: ["force"])
        guard args.positional.count == 2 else { throw CLIError.usage("quantize needs IN_DIR and OUT_DIR") }
        let (input, output) = (args.positional[0], args.positional[1])
        let fm = FileManager.default
        // Any spelling or symlink of IN_DIR: replacing its files would delete the input's.
        if URL(fileURLWithPath: input).standardized == URL(fileURLWithPath: output).standardized || isSameFile(input, output) {
            throw CLIError.usage("OUT_DIR must differ from IN_DIR")
        }
        if fm.fileExists(atPath: output + "/model.safetensors"), !args.flag("force") {
            throw CLIError.usage("\(output) already holds a model; pass --force to replace it")
        }
        let started = Date()
        let bigrams = try args.int("fold-bigrams", default: 8192, range: 0...1_000_000)
        let words = try args.int("fold-words", default: 8192, range: 0...1_000_000)
        for option in ["fold-bigrams", "fold-words"] where args.value(option) != nil && args.value("calibration") == nil {
            throw CLIError.usage("--\(option) needs --calibration")
        }
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: output, isDirectory: &isFolder), !isFolder.boolValue {
            throw CLIError.io("OUT_DIR \(output) is a file, not a folder")
        }
        let skipped: [String]
        do {
            skipped = try Quantizer.quantize(input: input, output: output, calibration: args.value("calibration"),
                                             foldBigrams: bigrams, foldWords: words)
        } catch NERError.invalidArgument(let message) {
            // What the options ask of this model (--calibration of a BERT model, a calibration
            // text that is not UTF-8), not a fault of the model.
            throw CLIError.usage(message)
        }
        if !skipped.isEmpty { printError("not copied (an INT8 folder does not read them): \(skipped.joined(separator: ", "))") }
        let size = (try? fm.attributesOfItem(atPath: output + "/model.safetensors")[.size] as? Int) ?? 0
        print("wrote \(output)/model.safetensors (\(size / 1024) KiB) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}
