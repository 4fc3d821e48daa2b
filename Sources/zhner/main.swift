#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NERCore

let usage = """
    zhner — Chinese named-entity recognition

    Usage: zhner <command> [options]

    Commands:
      tag        tag texts or JSONL records, one per line (JSONL, CoNLL or transformers-style out)
      redact     redact (脱敏) names and personal data in texts or JSONL records, one per line
      serve      serve the HTTP API and web page
      quantize   write an INT8 copy of a model folder
      info       describe a model folder
      eval       score a model on an annotated corpus (precision, recall, F1)
      version    print the version, git commit and kernel path (also zhner --version)
      help       show help for a command (zhner help tag)

    Run `zhner <command> --help` for a command's options.

    \(HelpText.modelSearch)
    """

let commands: [String: Command.Type] = [
    "tag": TagCommand.self,
    "redact": RedactCommand.self,
    "serve": ServeCommand.self,
    "quantize": QuantizeCommand.self,
    "info": InfoCommand.self,
    "eval": EvalCommand.self,
    "version": VersionCommand.self,
]

func printError(_ message: String) {
    var line = "zhner: " + message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

var args = Array(CommandLine.arguments.dropFirst())
if args.first == "--version" { args[0] = "version" }
if args.first == "help" {
    args.removeFirst()
    args = args.isEmpty ? ["--help"] : [args[0], "--help"]
}
guard let name = args.first, name != "--help", name != "-h" else {
    print(usage)
    exit(args.isEmpty ? 2 : 0)
}
guard let command = commands[name] else {
    printError("unknown command \(name)\n\n" + usage)
    exit(2)
}
let rest = args.dropFirst()
if rest.contains("--help") || rest.contains("-h") {
    print(command.help)
    exit(0)
}
do {
    try command.run(Array(rest))
    // What `print` wrote is still in stdio's buffer: a full disk or a closed stdout shows only
    // here, and the scores (eval) or facts (info) would be lost with exit 0.
    if fflush(nil) != 0 { throw CLIError.io("cannot write stdout: \(String(cString: strerror(errno)))") }
} catch let e as CLIError {
    printError(e.description + (e.exitCode == 2 ? "\n(see zhner \(name) --help)" : ""))
    exit(e.exitCode)
} catch let e as NERError {
    printError(e.description)
    if case .io = e { exit(74) }
    exit(66)
} catch {
    printError("\(error)")
    exit(1)
}
