import Foundation
import Testing
@testable import NERCore

struct EvaluationTests {
    typealias Span = EntityScores.Span

    /// Worked by hand: 3 gold, 3 predicted, 1 exactly right (a wrong type and a wrong boundary miss).
    @Test func handComputedScores() {
        var s = EntityScores()
        s.add(gold: [Span(type: "PER", start: 0, end: 2), Span(type: "LOC", start: 3, end: 5)],
              predicted: [Span(type: "PER", start: 0, end: 2), Span(type: "ORG", start: 3, end: 5)])
        s.add(gold: [Span(type: "LOC", start: 0, end: 3)], predicted: [Span(type: "LOC", start: 0, end: 2)])
        s.add(gold: [], predicted: [])
        #expect(s.overall == .init(correct: 1, predicted: 3, gold: 3))
        #expect(abs(s.overall.precision - 1.0 / 3) < 1e-12)
        #expect(abs(s.overall.f1 - 1.0 / 3) < 1e-12)
        #expect(s.byType["PER"] == .init(correct: 1, predicted: 1, gold: 1))
        #expect(s.byType["LOC"] == .init(correct: 0, predicted: 1, gold: 2))
        #expect(s.byType["ORG"]!.f1 == 0)
        #expect(EntityScores().overall.f1 == 0)
    }

    /// The same numbers as seqeval's classification_report on 600 random BIO and BIOES sequences.
    @Test func agreesWithSeqeval() throws {
        let fixture = try Fixtures.json("seqeval.json")
        for c in fixture["cases"] as! [[String: Any]] {
            let gold = c["gold"] as! [[String]]
            let predicted = c["predicted"] as! [[String]]
            var s = EntityScores()
            for (g, p) in zip(gold, predicted) {
                func spans(_ tags: [String]) -> [Span] {
                    LabelScheme(labels: tags).spans(Array(tags.indices)).map { Span(type: $0.type, start: $0.start, end: $0.end) }
                }
                s.add(gold: spans(g), predicted: spans(p))
            }
            func check(_ counts: EntityScores.Counts, _ want: [String: Any], _ name: String) {
                #expect(abs(counts.precision - (want["precision"] as! Double)) < 1e-9, "\(c["scheme"]!) \(name) precision")
                #expect(abs(counts.recall - (want["recall"] as! Double)) < 1e-9, "\(c["scheme"]!) \(name) recall")
                #expect(abs(counts.f1 - (want["f1-score"] as! Double)) < 1e-9, "\(c["scheme"]!) \(name) f1")
                #expect(counts.gold == want["support"] as! Int, "\(c["scheme"]!) \(name) support")
            }
            check(s.overall, c["micro"] as! [String: Any], "micro")
            for (type, want) in c["types"] as! [String: [String: Any]] { check(s.byType[type]!, want, type) }
        }
    }

    func read(_ content: String, _ format: CorpusFormat, map: [String: String]? = nil, ext: String = "txt") throws -> [AnnotatedSentence] {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/corpus." + ext
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return try CorpusFormat.read(path, format: format, map: map)
    }

    @Test func readsBIOAndBMESAndWeibo() throws {
        let msra = try read("张\tB-PER\n三\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n\n\n好\tO\n", .bio)
        #expect(msra == [AnnotatedSentence(text: "张三在北京", entities: [Span(type: "PER", start: 0, end: 2), Span(type: "LOC", start: 3, end: 5)]),
                         AnnotatedSentence(text: "好", entities: [])])
        let resume = try read("高 B-NAME\n勇 E-NAME\n， O\n中 B-ORG\n国 M-ORG\n银 M-ORG\n行 E-ORG\n", .bmes, map: ["NAME": "PER", "ORG": "ORG"])
        #expect(resume[0].entities == [Span(type: "PER", start: 0, end: 2), Span(type: "ORG", start: 3, end: 7)])
        let weibo = try read("我0\tO\n在1\tO\n北0\tB-GPE.NAM\n京1\tI-GPE.NAM\n老0\tB-PER.NOM\n师1\tI-PER.NOM\n", .weibo,
                             map: ["GPE.NAM": "LOC", "PER.NAM": "PER"])
        #expect(weibo == [AnnotatedSentence(text: "我在北京老师", entities: [Span(type: "LOC", start: 2, end: 4)])])
        // A space token in a tab-separated file stays a token.
        #expect(try read("a\tO\n \tO\nb\tB-PER\n", .bio)[0] == AnnotatedSentence(text: "a b", entities: [Span(type: "PER", start: 2, end: 3)]))
        #expect(throws: NERError.self) { try read("oops\n", .bio) }
    }

    @Test func readsCLUENER() throws {
        let line = #"{"text": "浙商银行企业信贷部叶老桂博士", "label": {"name": {"叶老桂": [[9, 11]]}, "company": {"浙商银行": [[0, 3]]}}}"#
        let s = try read(line + "\n", .cluener, map: ["name": "PER", "company": "ORG"], ext: "json")
        #expect(s == [AnnotatedSentence(text: "浙商银行企业信贷部叶老桂博士",
                                        entities: [Span(type: "ORG", start: 0, end: 4), Span(type: "PER", start: 9, end: 12)])])
        // No label (CLUENER's test split): a sentence without entities.
        #expect(try read(#"{"text": "你好"}"# + "\n", .cluener, ext: "json")[0].entities.isEmpty)
    }

    /// A malformed gold span is an error naming its line: it was dropped (the record's gold
    /// entities vanished) or scored as a miss, and the scores changed silently.
    @Test(arguments: [
        (#"{"name": {"张伟": [[0, 9]]}}"#, "[0, 9] is not [start, end] inside the 5-character text"),
        (#"{"name": {"张伟": [[1, 0]]}}"#, "is not [start, end]"),
        (#"{"name": {"张伟": [[-1, 1]]}}"#, "is not [start, end]"),
        (#"{"name": {"张伟": [[0.5, 1]]}}"#, "is not [start, end]"),
        (#"{"name": {"张伟": [[0, 1e23]]}}"#, "is not [start, end]"),
        (#"{"name": {"张伟": [0, 1]}}"#, "is not [start, end]"),
        (#"{"name": {"王五": [[0, 1]]}}"#, "[0, 1] holds \"张伟\""),
        (#"{"name": ["张伟"]}"#, "must map entity texts"),
        (#"["name"]"#, "\"label\" must map types"),
    ])
    func malformedCLUENERSpansAreErrors(_ label: String, _ message: String) throws {
        let line = #"{"text": "张伟在北京", "label": "# + label + "}\n"
        #expect {
            try read(line, .cluener, ext: "json")
        } throws: { error in
            "\(error)".contains("line 1: ") && "\(error)".contains(message)
        }
    }
}
