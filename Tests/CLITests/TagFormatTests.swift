import Foundation
import Testing
import ZhnerTestSupport

/// `zhner tag --format hf`, `--text-field` and their errors, against references: transformers'
/// own pipeline output (recorded in the golden file) and zhner's plain-text tagging.
struct TagFormatTests {
    static let golden = URL(fileURLWithPath: Zhner.tinyModel + ".golden.json")

    /// (text, transformers' `pipeline(..., aggregation_strategy="simple")` output) per golden case.
    static func pipelineCases() throws -> [(text: String, expected: [[String: Any]])] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: golden)) as! [String: Any]
        return (root["cases"] as! [[String: Any]]).compactMap { c in
            guard let expected = c["pipeline_simple"] as? [[String: Any]] else { return nil }
            return (c["text"] as! String, expected)
        }
    }

    static func jsonLines(_ s: String) throws -> [Any] {
        try s.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
    }

    @Test func hfFormatMatchesTransformersPipeline() throws {
        let cases = try Self.pipelineCases()
        #expect(cases.count >= 20)
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--format", "hf", "--batch", "7"],
                                 stdin: Data(cases.map(\.text).joined(separator: "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try Self.jsonLines(r.stdout)
        try #require(lines.count == cases.count)
        var entities = 0
        for (c, line) in zip(cases, lines) {
            let got = line as! [[String: Any]]
            #expect(got.count == c.expected.count, "\(c.text): \(got) vs \(c.expected)")
            for (g, w) in zip(got, c.expected) {
                // The same keys, in transformers' order.
                #expect(Array(g.keys).sorted() == ["end", "entity_group", "score", "start", "word"])
                #expect(g["entity_group"] as? String == w["entity_group"] as? String, "\(c.text)")
                #expect(g["word"] as? String == w["word"] as? String, "\(c.text)")
                #expect(g["start"] as? Int == w["start"] as? Int, "\(c.text)")
                #expect(g["end"] as? Int == w["end"] as? Int, "\(c.text)")
                let gs = (g["score"] as! NSNumber).doubleValue, ws = (w["score"] as! NSNumber).doubleValue
                #expect(abs(gs - ws) < 1e-4, "\(c.text): score \(gs) vs \(ws)")
                entities += 1
            }
        }
        #expect(entities >= 20, "the golden cases should exercise grouping")
        // Key order as transformers' dicts print.
        #expect(r.stdout.contains("{\"entity_group\": "))
    }

    @Test func textFieldCarriesEveryOtherFieldThrough() throws {
        let texts = ["王伟去了北京。", "", "联合国秘书长访问上海"]
        let records = [
            "{\"id\": 1, \"text\": \"王伟去了北京。\", \"meta\": {\"src\": [1, 2]}}",
            "{\"text\":\"\",\"id\":2}",
            "  {\"id\": \"c\", \"text\": \"联合国秘书长访问上海\", \"n\": null}  ",
        ]
        let plain = try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: Data(texts.joined(separator: "\n").utf8))
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--text-field", "text"],
                                 stdin: Data(records.joined(separator: "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout.split(separator: "\n").map(String.init)
        try #require(out.count == records.count)
        for (i, (record, line)) in zip(records, out).enumerated() {
            // The input record's bytes come first, unchanged; "entities" is added at the end.
            let body = record.trimmingCharacters(in: .whitespaces).dropLast()
            #expect(line.hasPrefix(body + ", \"entities\": "), "\(line)")
            let got = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let want = try JSONSerialization.jsonObject(with: Data(plain.stdout.split(separator: "\n")[i].utf8)) as! [String: Any]
            #expect(got["entities"] as! NSArray == want["entities"] as! NSArray)
        }
        // hf with a text field: transformers' list only, the same as for the plain text.
        let hfPlain = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--format", "hf"], stdin: Data(texts.joined(separator: "\n").utf8))
        let hf = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--format", "hf", "--text-field", "text"],
                                  stdin: Data(records.joined(separator: "\n").utf8))
        #expect(hf.status == 0)
        #expect(hf.stdout == hfPlain.stdout)
    }

    @Test(arguments: [
        ("{\"id\": 9}", "line 2: no field \"text\""),
        ("{\"text\": 5}", "line 2: field \"text\" is not a string"),
        ("{\"text\": null}", "line 2: field \"text\" is not a string"),
        ("{\"text\": \"a\"", "line 2: not valid JSON: it ends before its JSON does"),
        ("{\"text\": \"北京\",,}", "line 2: not valid JSON at byte 18"),
        ("[\"text\"]", "line 2: not a JSON object"),
        ("", "line 2: not valid JSON: it ends before its JSON does"),
        ("{\"text\": \"a\", \"entities\": []}", "line 2: already has an \"entities\" field"),
        // Both kept in the output, entities for one of them: refused, as redact refuses it.
        ("{\"text\": \"张伟\", \"\\u0074ext\": \"北京\"}", "line 2: has the field \"text\" more than once"),
    ])
    func badRecordsStopWithTheirLine(_ bad: String, _ message: String) throws {
        let input = ["{\"text\": \"王伟\"}", bad, "{\"text\": \"北京\"}"].joined(separator: "\n")
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--text-field", "text", "--batch", "1"], stdin: Data(input.utf8))
        #expect(r.status == 65)
        #expect(r.stderr.contains("stdin " + message), "\(r.stderr)")
        // What precedes the bad line is written, nothing after it.
        #expect(r.stdout.split(separator: "\n").count == 1, "\(r.stdout)")
        #expect(r.stdout.hasPrefix("{\"text\": \"王伟\", \"entities\": "))
    }

    @Test func invalidUTF8StopsAfterWritingTheLinesBeforeIt() throws {
        // The bad line is in the middle of the first batch: the two before it are still written.
        var bytes = Data("王伟\n北京\n".utf8)
        bytes.append(contentsOf: [0xE4, 0xB8, 0x41, 0x0A])
        bytes.append(Data("上海\n".utf8))
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: bytes)
        #expect(r.status == 65)
        #expect(r.stderr.contains("stdin line 3 is not valid UTF-8"), "\(r.stderr)")
        let texts = try Self.jsonLines(r.stdout).map { ($0 as! [String: Any])["text"] as! String }
        #expect(texts == ["王伟", "北京"])
    }

    @Test func manyLinesKeepTheirOrderAcrossWorkers() throws {
        // Enough groups of 3 lines for the workers to finish out of order.
        let texts = (0..<600).map { i in i % 7 == 0 ? "" : "第\(i)条：王伟\(i % 3 == 0 ? "在北京" : "")工作。" }
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--batch", "3", "--threads", "3"],
                                 stdin: Data(texts.joined(separator: "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let got = try Self.jsonLines(r.stdout).map { ($0 as! [String: Any])["text"] as! String }
        #expect(got == texts)
    }
}
