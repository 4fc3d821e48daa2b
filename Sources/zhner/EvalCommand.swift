import Foundation
import NERCore

/// `zhner eval`: entity-level precision/recall/F1 of a model on an annotated corpus.
enum EvalCommand: Command {
    static let help = """
        Usage: zhner eval --data FILE [--format bio|bmes|weibo|cluener] [--map FROM=TO,...]
                          [--model DIR] [--threads N] [--batch N] [--json]

        Tags every sentence of an annotated corpus and scores the entities found against the gold
        ones: exact match of type, start and end (seqeval's default mode), precision, recall and F1
        per type and overall (micro-averaged), plus the tagging rate.

          --data FILE     the corpus
          --format F      bio (default; token<TAB>tag lines, blank line between sentences, any tag
                          scheme: BIO, BIOES, BMES...), bmes (same reader), weibo (a trailing
                          segmentation digit after each character is dropped), cluener (JSON lines);
                          a .json file defaults to cluener
          --map A=B,...   rename gold types (e.g. PER.NAM=PER,GPE.NAM=LOC); gold types not named are
                          dropped, so only mapped types are scored
          --model DIR     model folder (default: ZHNER_MODEL, else the bundled models/default)
          --threads N     parallel workers (default: number of cores)
          --batch N       sentences per forward batch (default: 64)
          --json          print the scores as one JSON object instead of a table
        """

    static func run(_ argv: [String]) throws {
        let args = try Arguments(argv, options: ["data", "format", "map", "model", "threads", "batch"], flags: ["json"])
        guard args.positional.isEmpty else { throw CLIError.usage("unexpected argument \(args.positional[0])") }
        guard let data = args.value("data") else { throw CLIError.usage("eval needs --data FILE") }
        let format = try CorpusFormat(rawValue: args.choice("format", CorpusFormat.allCases.map(\.rawValue),
                                                            default: data.hasSuffix(".json") ? "cluener" : "bio"))!
        let map = try args.value("map").map(parseMap)
        let workers = try args.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        let batch = try args.int("batch", default: 64, range: 1...100_000)
        let model = try DefaultModel.resolve(args.value("model"))
        let sentences: [AnnotatedSentence]
        do { sentences = try CorpusFormat.read(data, format: format, map: map) } catch let e as NERError {
            throw CLIError.data(e.description)
        }
        guard !sentences.isEmpty else { throw CLIError.data("\(data) holds no sentences") }
        let recognizer = try Recognizer(modelDirectory: model, options: .init(threads: 1, concurrency: workers))

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
        var lines = ["model: \(model)", "data:  \(data) (\(sentences) sentences, \(s.overall.gold) gold entities)", "",
                     "type        precision  recall     f1         gold   predicted"]
        func row(_ name: String, _ c: EntityScores.Counts) -> String {
            name.padding(toLength: 12, withPad: " ", startingAt: 0) + format(c.precision) + "     " + format(c.recall)
                + "     " + format(c.f1) + "     " + String(c.gold).padding(toLength: 7, withPad: " ", startingAt: 0)
                + String(c.predicted)
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
