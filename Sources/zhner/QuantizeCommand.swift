import Foundation
import NERCore

/// `zhner quantize IN_DIR OUT_DIR`.
enum QuantizeCommand: Command {
    static let help = """
        Usage: zhner quantize IN_DIR OUT_DIR [--force]

        Writes an INT8 copy of the model folder IN_DIR (F32, F16 or BF16 safetensors) to OUT_DIR:
        linear layers per-output-channel symmetric int8, pre-packed for the kernels, word
        embeddings int8 per row, everything else F32. The other files of IN_DIR are copied.
        The new model.safetensors is a valid safetensors file that zhner maps without copying.

          --force   replace OUT_DIR's files if it already holds a model
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: [], flags: ["force"])
        guard args.positional.count == 2 else { throw CLIError.usage("quantize needs IN_DIR and OUT_DIR") }
        let (input, output) = (args.positional[0], args.positional[1])
        let fm = FileManager.default
        if URL(fileURLWithPath: input).standardized == URL(fileURLWithPath: output).standardized {
            throw CLIError.usage("OUT_DIR must differ from IN_DIR")
        }
        if fm.fileExists(atPath: output + "/model.safetensors"), !args.flag("force") {
            throw CLIError.usage("\(output) already holds a model; pass --force to replace it")
        }
        let started = Date()
        try Quantizer.quantize(input: input, output: output)
        let size = (try? fm.attributesOfItem(atPath: output + "/model.safetensors")[.size] as? Int) ?? 0
        print("wrote \(output)/model.safetensors (\(size / 1024) KiB) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}
