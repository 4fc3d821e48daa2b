import Foundation
import Testing
import ZhnerTestSupport

/// `zhner tag --lexicon`: the override rule against the same run without a lexicon.
struct TagLexiconTests {
    static func withLexicon<T>(_ content: String, _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-lexicon-\(UUID()).tsv")
        try Data(content.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    @Test func lexiconMatchesOverrideOverlappingModelEntities() throws {
        let texts = ["王伟去了北京。", "张明在上海工作，王伟也在。", "没有名字"]
        let input = Data(texts.joined(separator: "\n").utf8)
        let plain = try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: input)
        // 北京大 is longer than 北京 but not in any text; 上海工 overlaps a model entity (上海) and
        // wins over the shorter 上海 at the same start; 王伟 everywhere.
        let lexicon = "# names\n北京\tCITY\n\n北京大\tORG\n上海\tCITY\n上海工\tPLACE\r\n王伟\tVIP\n"
        let r = try Self.withLexicon(lexicon) { try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", $0], stdin: input) }
        #expect(r.status == 0, "\(r.stderr)")
        let matches: [String: (String, Int, Int)] = ["北京": ("CITY", 0, 0), "上海工": ("PLACE", 0, 0), "王伟": ("VIP", 0, 0)]
        for (i, (p, l)) in zip(plain.stdout.split(separator: "\n"), r.stdout.split(separator: "\n")).enumerated() {
            let text = Array(texts[i].unicodeScalars)
            let got = try Zhner.entities(inRecord: l)
            // Lexicon entities: every occurrence, score 1, marked.
            let lexical = got.filter { $0["source"] as? String == "lexicon" }
            var expected: [(String, Int, Int)] = []
            for (name, (type, _, _)) in matches {
                let n = Array(name.unicodeScalars)
                for s in 0...(max(0, text.count - n.count)) where s + n.count <= text.count && Array(text[s..<s + n.count]) == n {
                    expected.append((type, s, s + n.count))
                }
            }
            expected.sort { $0.1 < $1.1 }
            #expect(lexical.map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!)" } == expected.map { "\($0.0)@\($0.1)-\($0.2)" })
            #expect(lexical.allSatisfy { ($0["score"] as! NSNumber).doubleValue == 1 })
            // Model entities: exactly those of the plain run that overlap no lexicon match.
            let model = try Zhner.entities(inRecord: p).filter { e in
                let (start, end) = (e["start"] as! Int, e["end"] as! Int)
                return !expected.contains { $0.1 < end && start < $0.2 }
            }
            let kept = got.filter { $0["source"] == nil }
            #expect(kept.map { "\($0["type"]!)@\($0["start"]!)" } == model.map { "\($0["type"]!)@\($0["start"]!)" })
            // Sorted by start.
            let starts = got.map { $0["start"] as! Int }
            #expect(starts == starts.sorted())
        }
        // The same rule in the other formats.
        let conll = try Self.withLexicon("王伟\tVIP\n") { try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", $0, "--format", "conll"], stdin: Data("王伟去了".utf8)) }
        #expect(conll.stdout.hasPrefix("王\tB-VIP\n伟\tI-VIP\n"))
        let hf = try Self.withLexicon("王伟\tVIP\n") { try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", $0, "--format", "hf"], stdin: Data("王伟去了".utf8)) }
        #expect(hf.stdout.hasPrefix("[{\"entity_group\": \"VIP\", \"score\": 1.0, \"word\": \"王伟\", \"start\": 0, \"end\": 2}"), "\(hf.stdout)")
    }

    @Test(arguments: [
        ("北京\tLOC\n只有一列\n", "line 2: expected \"text<TAB>TYPE\", got 1 tab-separated field(s)"),
        ("# x\n北京\tLOC\tEXTRA\n", "line 2: expected \"text<TAB>TYPE\", got 3 tab-separated field(s)"),
        ("北京\t\n", "line 1: the type of 北京 is empty"),
        ("\tLOC\n", "line 1: the name is empty"),
        ("北京\tLOC\n\n北京\tORG\n", "line 3: 北京 is already listed as LOC on line 1"),
        ("北京\tBIG CITY\n", "line 1: the type \"BIG CITY\" contains whitespace"),
    ])
    func badLexiconLinesAreNamed(_ content: String, _ message: String) throws {
        let r = try Self.withLexicon(content) { path in
            let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", path], stdin: Data("北京".utf8))
            #expect(r.stderr.contains(path + " " + message), "\(r.stderr)")
            return r
        }
        #expect(r.status == 65)
        #expect(r.stdout.isEmpty)
    }

    /// ZHNER_LEXICON is tag's default --lexicon, as it is serve's; the option wins.
    @Test func lexiconVariableIsTheDefault() throws {
        let r = try Self.withLexicon("王伟\tVIP\n") { path in
            try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: Data("王伟去了".utf8), environment: ["ZHNER_LEXICON": path])
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("{\"type\": \"VIP\", \"start\": 0, \"end\": 2, \"text\": \"王伟\", \"score\": 1.0, \"source\": \"lexicon\"}"), "\(r.stdout)")
        let overridden = try Self.withLexicon("王伟\tBOSS\n") { option in
            try Self.withLexicon("王伟\tVIP\n") { variable in
                try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", option], stdin: Data("王伟去了".utf8),
                              environment: ["ZHNER_LEXICON": variable])
            }
        }
        #expect(overridden.stdout.contains("\"type\": \"BOSS\""), "\(overridden.stdout)")
        let missing = try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: Data("北京".utf8),
                                    environment: ["ZHNER_LEXICON": "/nonexistent/lexicon.tsv"])
        #expect(missing.status == 74)
    }

    @Test func missingLexiconIsAnIOError() throws {
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", "/nonexistent/lexicon.tsv"], stdin: Data("北京".utf8))
        #expect(r.status == 74)
        #expect(r.stderr.contains("cannot read the lexicon /nonexistent/lexicon.tsv"))
        // A folder is unreadable too (it was exit 65, a data error); /dev/null is an empty lexicon.
        let folder = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", "/tmp"], stdin: Data("北京".utf8))
        #expect(folder.status == 74 && folder.stderr.contains("cannot read the lexicon /tmp: it is a folder"), "\(folder.stderr)")
        #expect(try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", "/dev/null"], stdin: Data("北京".utf8)).status == 0)
        // The same rule for the redaction key: /dev/null is an empty key (usage, 2), a folder 74.
        let key = try Zhner.run(["redact", "--model", Zhner.tinyModel, "--key-file", "/dev/null"], stdin: Data("北京".utf8))
        #expect(key.status == 2 && key.stderr.contains("is empty"), "\(key.stderr)")
        #expect(try Zhner.run(["redact", "--model", Zhner.tinyModel, "--key-file", "/tmp"], stdin: Data("北京".utf8)).status == 74)
    }
}
