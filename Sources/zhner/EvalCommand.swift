import Foundation
import NERCore

/// `zhner eval`: entity-level precision/recall/F1 of a model on an annotated corpus.
enum EvalCommand: Command {
    static let help = """
        Usage: zhner eval [--data] FILE [--format bio|bmes|weibo|cluener] [--map FROM=TO,...]
                          [--encoding \(InputEncoding.helpChoices)] [--model DIR] [--threads N]
                          [--batch N] [--json]

        Tags every sentence of an annotated corpus and scores the entities found against the gold
        ones: exact match of type, start and end (seqeval's default mode), precision, recall and F1
        per type and overall (micro-averaged), plus the tagging rate.

          --data FILE       the corpus (may also be named alone: zhner eval corpus.bio)
          --format F        bio (default; token<TAB>tag lines, blank line between sentences, any
                            tag scheme: BIO, BIOES, BMES...), bmes (same reader), weibo (a trailing
                            segmentation digit after each character is dropped), cluener (JSON
                            lines); a .json file defaults to cluener
          --map A=B,...     rename gold types (e.g. PER.NAM=PER,GPE.NAM=LOC); gold types not named
                            are dropped, so only mapped types are scored
          --encoding E      the corpus's encoding, as for zhner tag (default: utf-8)
          --model DIR       model folder (default: see "Model search" below)
          --threads N       parallel workers (default: number of cores)
          --batch N         sentences per forward batch (default: 64)
          --json            print the scores as one JSON object instead of a table

        When no gold type is one the model predicts (CLUENER without --map, Weibo without
        --format weibo and --map), every score would be 0: eval says so, with the --format or
        --map to pass, and exits 65 without tagging. Gold types the model never predicts, beside
        others it does, are named on stderr and scored (recall 0).

        \(HelpText.modelSearch)

        Environment:
        \(HelpText.modelVariable)
        \(HelpText.isa)

        Exit codes: 0 ok, 2 usage, 65 bad corpus (undecodable bytes or a malformed line, named by
        line; no sentences; no gold type the model predicts), 66 bad or missing model, 74 corpus
        missing or unreadable.
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["data", "format", "map", "model", "threads", "batch", "encoding"], flags: ["json"])
        guard let data = try args.file("data") else { throw CLIError.usage("eval needs --data FILE (or the file alone)") }
        let format = try CorpusFormat(rawValue: args.choice("format", CorpusFormat.allCases.map(\.rawValue),
                                                            default: data.hasSuffix(".json") ? "cluener" : "bio"))!
        let encoding = try InputEncoding(option: args)
        let map = try args.value("map").map(parseMap)
        let workers = try args.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let batch = try args.int("batch", default: 64, range: 1...100_000)
        let model = try DefaultModel.resolve(args.value("model"))
        let recognizer = try Recognizer(modelDirectory: model, options: .init(threads: 1, concurrency: workers))
        let sentences = try readCorpus(data, format: format, encoding: encoding, map: map)
        try EvalTypeCheck.check(sentences, format: format, modelTypes: recognizer.entityTypes)

        let started = DispatchTime.now()
        let found = ParallelTagger.tag(sentences.map(\.text), batch: batch, with: recognizer)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        var scores = EntityScores()
        for (s, entities) in zip(sentences, found) {
            scores.add(gold: s.entities, predicted: entities.map { EntityScores.Span(type: $0.type, start: $0.start, end: $0.end) })
        }
        let rate = Double(sentences.count) / seconds
        if args.flag("json") {
            print(json(scores, sentences: sentences.count, seconds: seconds, model: model, data: data))
        } else {
            print(table(scores, sentences: sentences.count, seconds: seconds, rate: rate, model: model, data: data))
        }
    }

    /// Through `LineReader`, so a corpus is opened, decoded and its errors reported as `zhner tag`
    /// does its input (exit 74 unreadable, 65 undecodable at a named line and byte offset).
    private static func readCorpus(_ path: String, format: CorpusFormat, encoding: InputEncoding,
                                   map: [String: String]?) throws -> [AnnotatedSentence]
    {
        let reader = try LineReader(path: path, encoding: encoding)
        var lines: [String] = []
        while let line = try reader.next() { lines.append(line) }
        let sentences: [AnnotatedSentence]
        do { sentences = try CorpusFormat.parse(lines.joined(separator: "\n"), format: format, map: map, name: path) } catch let e as NERError {
            throw CLIError.data(e.description)
        }
        guard !sentences.isEmpty else { throw CLIError.data("\(path) holds no sentences") }
        return sentences
    }

    static func parseMap(_ raw: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for pair in raw.split(separator: ",") {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw CLIError.usage("--map takes FROM=TO pairs separated by commas, got \"\(pair)\"")
            }
            map[String(parts[0])] = String(parts[1])
        }
        return map
    }

    private static func format(_ x: Double) -> String { String(format: "%.4f", x) }

    static func table(_ s: EntityScores, sentences: Int, seconds: Double, rate: Double, model: String, data: String) -> String {
        // The type column is as wide as the longest name (CLUENER has "organization", "government").
        let width = (s.byType.keys.map(\.count) + ["overall".count]).max()! + 2
        func cell(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count + 1), withPad: " ", startingAt: 0) }
        var lines = ["model: \(model)", "data:  \(data) (\(sentences) sentences, \(s.overall.gold) gold entities)", "",
                     cell("type", width) + "precision  recall     f1         gold   predicted"]
        func row(_ name: String, _ c: EntityScores.Counts) -> String {
            cell(name, width) + cell(format(c.precision), 11) + cell(format(c.recall), 11) + cell(format(c.f1), 11)
                + cell(String(c.gold), 7) + String(c.predicted)
        }
        for type in s.byType.keys.sorted() { lines.append(row(type, s.byType[type]!)) }
        lines.append(row("overall", s.overall))
        lines.append("")
        lines.append("tagged \(sentences) sentences in \(String(format: "%.2f", seconds)) s: \(String(format: "%.0f", rate)) sentences/s")
        return lines.joined(separator: "\n")
    }

    static func json(_ s: EntityScores, sentences: Int, seconds: Double, model: String, data: String) -> String {
        func counts(_ c: EntityScores.Counts) -> [String: Any] {
            ["precision": c.precision, "recall": c.recall, "f1": c.f1, "gold": c.gold, "predicted": c.predicted, "correct": c.correct]
        }
        let object: [String: Any] = [
            "model": model, "data": data, "sentences": sentences, "seconds": seconds,
            "sentences_per_second": Double(sentences) / seconds,
            "overall": counts(s.overall), "types": s.byType.mapValues(counts),
        ]
        let bytes = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: bytes, as: UTF8.self)
    }
}
