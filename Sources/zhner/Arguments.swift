/// Command-line options of one subcommand: `--name value`, `--name=value`, boolean `--flag`s and
/// positional arguments. Unknown options are errors, so typos do not pass silently. An option given
/// twice keeps every value (`values`); `value` is the last one, as shells' override habits expect.
struct Arguments {
    private(set) var positional: [String] = []
    private var given: [String: [String]] = [:]
    private var flags: Set<String> = []

    init(_ args: some Sequence<String>, options: Set<String>, flags allowedFlags: Set<String> = []) throws {
        var it = args.makeIterator()
        var onlyPositional = false
        while let arg = it.next() {
            if onlyPositional || !arg.hasPrefix("-") || arg == "-" {
                positional.append(arg)
                continue
            }
            // There are no one-dash options: `-m DIR` would otherwise be read as two input files,
            // and `-x` as a file that does not exist. A file so named goes after `--`.
            if !arg.hasPrefix("--") {
                throw CLIError.usage("unknown option \(arg) (options are spelled --name; a file named \(arg) goes after --)")
            }
            if arg == "--" {
                onlyPositional = true
                continue
            }
            var name = String(arg.dropFirst(2))
            var value: String?
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if allowedFlags.contains(name) {
                guard value == nil else { throw CLIError.usage("--\(name) takes no value") }
                flags.insert(name)
            } else if options.contains(name) {
                guard let v = value ?? it.next() else { throw CLIError.usage("--\(name) needs a value") }
                given[name, default: []].append(v)
            } else {
                throw CLIError.usage("unknown option --\(name)")
            }
        }
    }

    func value(_ name: String) -> String? { given[name]?.last }

    func values(_ name: String) -> [String] { given[name] ?? [] }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The one file a command reads, named by `--option` or alone, as line tools take it
    /// (`zhner tag corpus.txt`); nil when neither. Two files, or both forms, are usage errors.
    func file(_ option: String) throws -> String? {
        guard positional.count <= 1 else {
            throw CLIError.usage("one input file at a time (got \(positional.count): \(positional.joined(separator: " ")))")
        }
        if let file = positional.first, let named = value(option) {
            throw CLIError.usage("the input is named twice (\(file) and --\(option) \(named)); give one")
        }
        return positional.first ?? value(option)
    }

    func int(_ name: String, default def: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = value(name) else { return def }
        guard let v = Int(raw), range.contains(v) else {
            throw CLIError.usage("--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got \(raw)")
        }
        return v
    }

    func choice(_ name: String, _ allowed: [String], default def: String) throws -> String {
        let v = value(name) ?? def
        guard allowed.contains(v) else {
            throw CLIError.usage("--\(name) must be one of \(allowed.joined(separator: ", ")), got \(v)")
        }
        return v
    }
}

/// Errors of the command line, each with the exit code a script can act on.
enum CLIError: Error, CustomStringConvertible {
    /// Wrong usage: exit 2.
    case usage(String)
    /// Input data a command cannot process: exit 65 (EX_DATAERR).
    case data(String)
    /// No model to load: exit 66 (EX_NOINPUT), as for a model folder the engine refuses.
    case model(String)
    /// A file could not be read or written: exit 74 (EX_IOERR).
    case io(String)

    var description: String {
        switch self {
        case .usage(let m), .data(let m), .model(let m), .io(let m): return m
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .data: return 65
        case .model: return 66
        case .io: return 74
        }
    }
}
