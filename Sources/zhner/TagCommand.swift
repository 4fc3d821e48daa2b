import Dispatch
import Foundation
import NERCore
import NERServer

/// `zhner tag`: one text per input line → one result per line, in order, in bounded memory.
enum TagCommand: Command {
    static let help = """
        Usage: zhner tag [--model DIR] [--input FILE|-] [--output FILE|-] [--format jsonl|conll]
                         [--threads N] [--batch N]

        Tags one text per input line. Every input line gives exactly one output record, in order;
        an empty line gives an empty entity list.

          --model DIR     model folder (default: ZHNER_MODEL, else the bundled models/default)
          --input FILE    input text, UTF-8, one text per line (default: - = stdin)
          --output FILE   where to write (default: - = stdout)
          --format F      jsonl (default): {"text": ..., "entities": [{"type", "start", "end",
                          "text", "score"}]} with code-point offsets, end exclusive;
                          conll: one "char<TAB>BIO-label" line per non-space character, a blank
                          line after each text
          --threads N     texts tagged in parallel (default: number of cores)
          --batch N       lines per forward batch (default: 64)

        Exit codes: 0 ok, 2 usage, 65 bad input (e.g. invalid UTF-8, named by line), 66 bad
        model, 74 I/O error.
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["model", "input", "output", "format", "threads", "batch"])
        guard args.positional.isEmpty else { throw CLIError.usage("unexpected argument \(args.positional[0])") }
        let format = try args.choice("format", ["jsonl", "conll"], default: "jsonl")
        let workers = try args.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let batch = try args.int("batch", default: 64, range: 1...100_000)
        let model = try DefaultModel.resolve(args.value("model"))
        let recognizer = try Recognizer(modelDirectory: model,
                                        options: .init(threads: 1, concurrency: workers))
        let reader = try LineReader(path: args.value("input") ?? "-")
        let writer = try OutputWriter(path: args.value("output") ?? "-")

        var done = false
        while !done {
            var groups: [[String]] = []
            while groups.count < workers {
                var lines: [String] = []
                while lines.count < batch, let line = try reader.next() { lines.append(line) }
                if lines.isEmpty {
                    done = true
                    break
                }
                groups.append(lines)
            }
            let results = ParallelTagger.tag(groups, with: recognizer)
            for (lines, entities) in zip(groups, results) {
                for (text, found) in zip(lines, entities) {
                    try writer.write(format == "jsonl" ? JSONWriter.line(text: text, entities: found) + "\n"
                                                       : CoNLL.record(text: text, entities: found))
                }
            }
        }
        try writer.flush()
    }
}

/// CoNLL-style output: a character and its BIO label per line.
enum CoNLL {
    static func record(text: String, entities: [Entity]) -> String {
        let scalars = Array(text.unicodeScalars)
        var labels = [String](repeating: "O", count: scalars.count)
        for e in entities {
            for i in e.start..<e.end { labels[i] = (i == e.start ? "B-" : "I-") + e.type }
        }
        var out = ""
        for (c, label) in zip(scalars, labels) where !c.properties.isWhitespace && c.value >= 0x20 {
            out.unicodeScalars.append(c)
            out += "\t" + label + "\n"
        }
        return out + "\n"
    }
}
