#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NERCore

/// What `zhner tag` and `zhner redact` share: the options that choose the input, the model and the
/// entities, and the loop that streams the input through a renderer, one result per line, in
/// order, in bounded memory.
struct LineCommand {
    /// The options of both commands; each adds its own.
    static let options: Set<String> = ["model", "input", "output", "format", "threads", "batch", "text-field", "lexicon",
                                       "encoding", "patterns", "entities"]
    static let flags: Set<String> = ["progress", "no-progress"]

    let entities: LineEntities
    /// Every type `--entities` (and `zhner redact --operator`) may name: the model's, the
    /// lexicon's and the patterns'.
    let knownTypes: [String]
    /// The types the output can hold with these options (`--entities`, `--patterns`).
    let foundTypes: Set<String>
    private let workers: Int
    private let batch: Int
    private let encoding: InputEncoding
    private let inputPath: String
    private let outputPath: String
    private let progressFlag: Bool
    private let noProgressFlag: Bool

    /// Checks the shared options, loads the lexicon and the model. `defaultPatterns`: `--patterns`
    /// when it is not given.
    init(_ args: Arguments, defaultPatterns: PatternMode) throws {
        let input = try args.file("input")
        workers = try args.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        batch = try args.int("batch", default: 64, range: 1...100_000)
        progressFlag = args.flag("progress")
        noProgressFlag = args.flag("no-progress")
        if progressFlag, noProgressFlag { throw CLIError.usage("--progress and --no-progress exclude each other") }
        if let field = args.value("text-field"), field.isEmpty { throw CLIError.usage("--text-field needs a field name") }
        encoding = try InputEncoding(option: args)
        let patterns = PatternMode(rawValue: try args.choice("patterns", PatternMode.allCases.map(\.rawValue), default: defaultPatterns.rawValue))!
        let filter = try args.value("entities").map(Self.entityFilter)
        let lexiconPath = args.value("lexicon") ?? ProcessInfo.processInfo.environment["ZHNER_LEXICON"].flatMap { $0.isEmpty ? nil : $0 }
        let lexicon = try lexiconPath.map(Self.loadLexicon)
        let model = try DefaultModel.resolve(args.value("model"))
        let recognizer = try Recognizer(modelDirectory: model, options: .init(threads: 1, concurrency: workers))
        let known = recognizer.entityTypes + (lexicon?.entries.map(\.type) ?? []) + PatternRecognizer.allTypes.sorted()
        if let unknown = filter?.first(where: { !known.contains($0) }) {
            throw CLIError.usage("--entities: \(unknown) is not a type of this model, the lexicon or the patterns")
        }
        knownTypes = known
        inputPath = input ?? "-"
        outputPath = args.value("output") ?? "-"
        // Opening the output truncates it: the input would be gone before its first line is read.
        if inputPath != "-", outputPath != "-", isSameFile(inputPath, outputPath) {
            throw CLIError.usage("--output \(outputPath) is the input file; write to another file")
        }
        let types = filter.map(Set.init)
        let patternTypes = patterns.types(filter: types)
        foundTypes = Set(recognizer.entityTypes + (lexicon?.entries.map(\.type) ?? [])).filter { types?.contains($0) ?? true }
            .union(patternTypes)
        entities = LineEntities(recognizer: recognizer, lexicon: lexicon, patternTypes: patternTypes, types: types,
                                textField: args.value("text-field"), inputName: inputPath == "-" ? "stdin" : inputPath)
    }

    /// Streams the input through `render` (a group of lines and the number of the first → their
    /// output; on a bad line, the output of those before it and the error naming it) and writes
    /// the results in input order.
    func run(_ render: @escaping @Sendable (_ lines: [String], _ firstLine: Int) -> (text: String, error: CLIError?)) throws {
        let reader = try LineReader(path: inputPath, encoding: encoding)
        let writer = try OutputWriter(path: outputPath)
        // Shown on an interactive stderr, unless the records themselves go to that terminal too,
        // where redrawing the line would garble them.
        let showProgress = progressFlag || (!noProgressFlag && isatty(2) != 0 && !(outputPath == "-" && isatty(1) != 0))
        let progress = showProgress ? TagProgress(totalBytes: reader.totalBytes) : nil

        // Two groups per worker in flight: one running, one ready to start, so no worker waits
        // for the reader or for an earlier, slower group to be written.
        let pipeline = OrderedPipeline<(text: String, error: CLIError?, lines: Int, offset: Int)>(limit: 2 * workers)
        let write = { (done: (text: String, error: CLIError?, lines: Int, offset: Int)) throws in
            try writer.write(done.text)
            if let error = done.error {
                try writer.flush()
                throw error
            }
            progress?.advance(lines: done.lines, offset: done.offset)
        }
        do {
            while true {
                let firstLine = reader.lineNumber + 1
                var lines: [String] = []
                var readError: (any Error)?
                do {
                    while lines.count < batch, let line = try reader.next() { lines.append(line) }
                } catch {
                    readError = error
                }
                if !lines.isEmpty {
                    let offset = reader.offset
                    try pipeline.submit({ [lines] in
                        let (text, error) = render(lines, firstLine)
                        return (text, error, lines.count, offset)
                    }, ready: write)
                }
                if let readError {
                    // What precedes the bad line is written first, as for a bad record.
                    try pipeline.finish(ready: write)
                    try writer.flush()
                    throw readError
                }
                if lines.isEmpty { break }
            }
            try pipeline.finish(ready: write)
            try writer.flush()
        } catch {
            // End the progress line, so the error message starts on a line of its own.
            progress?.finish()
            throw error
        }
        progress?.finish()
    }

    /// `--entities PER,PHONE`: the type names, in order; empty names are a usage error.
    private static func entityFilter(_ value: String) throws -> [String] {
        let names = value.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingCharacters(in: .whitespaces)) }
        guard !names.contains(where: \.isEmpty) else { throw CLIError.usage("--entities needs type names separated by commas, such as PER,PHONE") }
        return names
    }

    /// Unreadable: I/O error (74); a bad line: bad input (65), named by its line.
    private static func loadLexicon(_ path: String) throws -> UserLexicon {
        let data = try readWholeFile(path, "the lexicon")
        do {
            return try UserLexicon.load(data, name: path)
        } catch let e as NERError {
            throw CLIError.data(e.description)
        }
    }
}
