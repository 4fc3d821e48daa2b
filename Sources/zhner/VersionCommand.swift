import NERCore

/// `zhner version` (and `zhner --version`): what a bug report needs to name the build and the
/// kernels it runs.
enum VersionCommand: Command {
    static let number = "0.1.0"

    /// The commit `make build` stamps in (BuildCommit.generated.swift); other builds say "unknown".
    static var commit: String {
        #if ZHNER_STAMPED
        return stampedCommit
        #else
        return "unknown"
        #endif
    }

    static let help = """
        Usage: zhner version (or zhner --version)

        Prints the version, the git commit the binary was built from ("unknown" unless built by
        `make build` or `make install`) and the kernel path (ISA) it runs on this CPU.

        Environment:
        \(HelpText.isa)
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: [])
        guard args.positional.isEmpty else { throw CLIError.usage("unexpected argument \(args.positional[0])") }
        let isa = try ISA.fromEnvironment()
        print("""
            zhner \(number)
            commit: \(commit)
            ISA:    \(isa.rawValue) (this CPU supports \(ISA.supported.map(\.rawValue).joined(separator: ", ")))
            """)
    }
}
