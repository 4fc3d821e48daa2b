import Foundation
import Testing
import ZhnerTestSupport

/// `zhner tag --patterns` and `--entities`: pattern entities in every format, off by default.
struct TagPatternTests {
    static let text = "我的电话是13812345678，邮箱zhangsan@example.com，身份证号11010519491231002X。"
    /// type, start, end, text: the three pattern entities of `text`.
    static let expected = [("PHONE", 5, 16, "13812345678"), ("EMAIL", 19, 39, "zhangsan@example.com"),
                           ("ID_CARD", 44, 62, "11010519491231002X")]

    static func tag(_ options: [String]) throws -> Zhner.Result {
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel] + options, stdin: Data((text + "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        return r
    }

    static func entities(_ r: Zhner.Result) throws -> [[String: Any]] { try Zhner.entities(inRecord: r.stdout) }

    static func describe(_ list: [[String: Any]]) -> [String] {
        list.map { "\($0["type"] ?? $0["entity_group"]!)@\($0["start"]!)-\($0["end"]!):\($0["text"] ?? $0["word"]!)" }
    }

    @Test func piiPatternsInJSONL() throws {
        let found = try Self.entities(try Self.tag(["--patterns", "pii"]))
        let patterns = found.filter { $0["source"] as? String == "pattern" }
        #expect(Self.describe(patterns) == Self.expected.map { "\($0.0)@\($0.1)-\($0.2):\($0.3)" })
        // Model entities overlapping none of them are those of the plain run.
        let plain = try Self.entities(try Self.tag([]))
        let untouched = plain.filter { e in
            let (start, end) = (e["start"] as! Int, e["end"] as! Int)
            return !Self.expected.contains { $0.1 < end && start < $0.2 }
        }
        #expect(Self.describe(found.filter { $0["source"] == nil }) == Self.describe(untouched))
    }

    @Test func defaultOutputHasNoPatterns() throws {
        let plain = try Self.tag([])
        #expect(!plain.stdout.contains("\"pattern\""))
        #expect(try Self.tag(["--patterns", "none"]).stdout == plain.stdout)
        #expect(try Self.tag(["--format", "conll"]).stdout == (try Self.tag(["--format", "conll", "--patterns", "none"])).stdout)
    }

    @Test func entitiesFilter() throws {
        let phone = try Self.entities(try Self.tag(["--patterns", "pii", "--entities", "PHONE"]))
        #expect(Self.describe(phone) == ["PHONE@5-16:13812345678"])
        // Naming a pattern type turns its recognizer on without --patterns.
        let email = try Self.entities(try Self.tag(["--entities", "EMAIL,PER"]))
        #expect(email.allSatisfy { ["EMAIL", "PER"].contains($0["type"] as! String) })
        #expect(email.contains { $0["type"] as? String == "EMAIL" && $0["source"] as? String == "pattern" })
        let unknown = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--entities", "PHONE,NOPE"], stdin: Data(Self.text.utf8))
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("NOPE"))
        let bad = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--patterns", "some"], stdin: Data(Self.text.utf8))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--patterns"))
    }

    @Test func patternsInConllAndHF() throws {
        let conll = try Self.tag(["--format", "conll", "--patterns", "pii", "--entities", "PHONE,EMAIL,ID_CARD"]).stdout
        let labels = conll.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        let scalars = Self.text.unicodeScalars.map(String.init)
        #expect(labels.map { $0[0] } == scalars)
        for (i, line) in labels.enumerated() {
            let hit = Self.expected.first { $0.1 <= i && i < $0.2 }
            #expect(line[1] == hit.map { (i == $0.1 ? "B-" : "I-") + $0.0 } ?? "O", "character \(i)")
        }
        let hf = try Self.tag(["--format", "hf", "--patterns", "pii"]).stdout
        let list = try JSONSerialization.jsonObject(with: Data(hf.utf8)) as! [[String: Any]]
        let patterns = list.filter { e in Self.expected.contains { $0.0 == e["entity_group"] as? String } }
        #expect(Self.describe(patterns) == Self.expected.map { "\($0.0)@\($0.1)-\($0.2):\($0.3)" })
        #expect(patterns.allSatisfy { Array($0.keys).sorted() == ["end", "entity_group", "score", "start", "word"] })
    }
}
