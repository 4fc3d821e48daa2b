#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NERCore

/// `zhner tag`: one text per input line → one result per line, in order, in bounded memory.
enum TagCommand: Command {
    static let help = """
        Usage: zhner tag [--model DIR] [--input FILE|-] [--output FILE|-] [--format jsonl|conll|hf]
                         [--encoding \(InputEncoding.helpChoices)] [--text-field NAME]
                         [--lexicon FILE] [--patterns none|pii|all] [--entities TYPE,...]
                         [--threads N] [--batch N] [--progress | --no-progress]

        Tags one text per input line. Every input line gives exactly one output record, in order;
        an empty line gives an empty entity list. Input and output stream: memory stays the same
        whatever the input's size (a few batches per thread are in flight at a time).

          --model DIR       model folder (default: see "Model search" below)
          --input FILE      input, one text (or JSON record) per line (default: - = stdin)
          --encoding E      the input's encoding (default: utf-8): utf-8, gb18030, gbk, utf-16
                            (byte order from its BOM, little-endian without one) or auto (a BOM
                            decides; else the first non-ASCII line: UTF-8 if valid, else
                            GB18030). A BOM is never part of the text; output is always UTF-8
                            and offsets count code points of the decoded text
          --output FILE     where to write (default: - = stdout)
          --format F        jsonl (default): {"text": ..., "entities": [{"type", "start", "end",
                            "text", "score"}]} with code-point offsets, end exclusive;
                            conll: one "char<TAB>BIO-label" line per non-space character, a blank
                            line after each text;
                            hf: a JSON list per line shaped like transformers'
                            pipeline("ner", aggregation_strategy="simple") output:
                            [{"entity_group", "score", "word", "start", "end"}] (docs/BATCH.md)
          --text-field NAME input lines are JSON objects; tag the string in field NAME. With
                            --format jsonl the output is the input record, every field kept as
                            it was, with "entities" added (a record that already has one is an
                            error); conll and hf write their usual records
          --lexicon FILE    names to always recognise: "text<TAB>TYPE" per line (# comments and
                            blank lines skipped); a match overrides any model entity it overlaps
                            and has score 1 (and "source": "lexicon" in jsonl). Default:
                            ZHNER_LEXICON, as for zhner serve
          --patterns P      also find personal data by pattern (docs/PRIVACY.md): none (default),
                            pii = PHONE, EMAIL, URL, IP, ID_CARD, BANK_CARD, PASSPORT, PLATE,
                            USCC; all = pii and DATE, TIME, MONEY, PERCENT. Pattern entities
                            have "source": "pattern" in jsonl; a URL or EMAIL beats the
                            lexicon, the lexicon beats the other patterns, all beat the model
          --entities T,...  output only these types (model, lexicon or pattern types; a pattern
                            type named here is recognised whatever --patterns says). Default:
                            the model's and lexicon's types and those --patterns turns on
          --threads N       texts tagged in parallel (default: number of cores)
          --batch N         lines per forward batch (default: 64)
          --progress        show the progress line on stderr even when it is not a terminal
          --no-progress     never show it (default: shown when stderr is a terminal and the
                            records do not go to that terminal: lines, rate and, for a file
                            input, percent done and time left)

        \(HelpText.modelSearch)

        Environment:
        \(HelpText.modelVariable)
          ZHNER_LEXICON   the default --lexicon
        \(HelpText.isa)

        Exit codes: 0 ok, 2 usage, 65 bad input (undecodable bytes, named by line and byte
        offset; a bad JSON record or a bad lexicon line, named by its line; the records before
        it are written), 66 bad or missing model, 74 I/O error (input or lexicon missing or
        unreadable, output not writable).
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["model", "input", "output", "format", "threads", "batch", "text-field", "lexicon",
                                                 "encoding", "patterns", "entities"],
                                 flags: ["progress", "no-progress"])
        guard args.positional.isEmpty else { throw CLIError.usage("unexpected argument \(args.positional[0])") }
        let format = TagRenderer.Format(rawValue: try args.choice("format", TagRenderer.Format.allCases.map(\.rawValue), default: "jsonl"))!
        let workers = try args.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let batch = try args.int("batch", default: 64, range: 1...100_000)
        if args.flag("progress"), args.flag("no-progress") { throw CLIError.usage("--progress and --no-progress exclude each other") }
        if let field = args.value("text-field"), field.isEmpty { throw CLIError.usage("--text-field needs a field name") }
        let encoding = try InputEncoding(option: args)
        let patterns = PatternMode(rawValue: try args.choice("patterns", PatternMode.allCases.map(\.rawValue), default: "none"))!
        let entities = try args.value("entities").map(entityFilter)
        let typeFilter = entities.map(Set.init)
        let lexiconPath = args.value("lexicon") ?? ProcessInfo.processInfo.environment["ZHNER_LEXICON"].flatMap { $0.isEmpty ? nil : $0 }
        let lexicon = try lexiconPath.map(loadLexicon)
        let model = try DefaultModel.resolve(args.value("model"))
        let recognizer = try Recognizer(modelDirectory: model,
                                        options: .init(threads: 1, concurrency: workers))
        if let entities {
            let known = recognizer.entityTypes + (lexicon?.entries.map(\.type) ?? []) + PatternRecognizer.allTypes.sorted()
            if let unknown = entities.first(where: { !known.contains($0) }) {
                throw CLIError.usage("--entities: \(unknown) is not a type of this model, the lexicon or the patterns")
            }
        }
        let inputPath = args.value("input") ?? "-"
        let reader = try LineReader(path: inputPath, encoding: encoding)
        let outputPath = args.value("output") ?? "-"
        let writer = try OutputWriter(path: outputPath)
        // Shown on an interactive stderr, unless the records themselves go to that terminal too,
        // where redrawing the line would garble them.
        let showProgress = args.flag("progress")
            || (!args.flag("no-progress") && isatty(2) != 0 && !(outputPath == "-" && isatty(1) != 0))
        let progress = showProgress ? TagProgress(totalBytes: reader.totalBytes) : nil
        let renderer = TagRenderer(format: format, recognizer: recognizer, lexicon: lexicon,
                                   patternTypes: patterns.types(filter: typeFilter), types: typeFilter,
                                   textField: args.value("text-field"), inputName: inputPath == "-" ? "stdin" : inputPath)

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
                        let (text, error) = renderer.render(lines, firstLine: firstLine)
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
        guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError.io("cannot read the lexicon \(path)") }
        do {
            return try UserLexicon.load(path: path)
        } catch let e as NERError {
            throw CLIError.data(e.description)
        }
    }
}
