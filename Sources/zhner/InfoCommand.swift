import Foundation
import NERCore

/// `zhner info [MODEL]`.
enum InfoCommand: Command {
    static let help = """
        Usage: zhner info [MODEL_DIR]

        Prints a model folder's architecture, labels, weight format, size on disk and the kernel
        path (ISA) this machine uses. Without MODEL_DIR (or --model DIR), describes the default
        model.

        \(HelpText.modelSearch)

        Environment:
        \(HelpText.modelVariable)
        \(HelpText.isa)

        Exit codes: 0 ok, 2 usage, 66 bad or missing model.
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["model"])
        guard args.positional.count <= 1 else { throw CLIError.usage("info takes one model folder") }
        let dir = try DefaultModel.resolve(args.positional.first ?? args.value("model"))
        let r = try Recognizer(modelDirectory: dir, options: .init(threads: 1))
        let info = try ModelInfo(directory: dir)
        print("""
            model:        \(dir)
            architecture: \(r.architecture)
            labels:       \(r.labels.count) (\(r.labels.joined(separator: " ")))
            entity types: \(r.entityTypes.joined(separator: ", "))
            weights:      \(info.format), \(info.parameters) parameters
            size on disk: \(String(format: "%.1f", Double(info.bytes) / 1_048_576)) MiB
            ISA:          \(r.isa.rawValue) (this CPU supports \(ISA.supported.map(\.rawValue).joined(separator: ", ")))
            """)
    }
}
