import Foundation
import Testing
import ZhnerTestSupport

/// Pattern entities on the API: the `"patterns"` field, pattern types in `"types"`, the server's
/// default (`--patterns`), and the same answer from every route.
@Suite(.serialized) struct PatternTests {
    static let text = "我的电话是13812345678，邮箱zhangsan@example.com，身份证号11010519491231002X。"
    static let pii = ["PHONE@5-16:13812345678", "EMAIL@19-39:zhangsan@example.com", "ID_CARD@44-62:11010519491231002X"]

    static func patterns(_ entities: Any) -> [String] {
        (entities as! [[String: Any]]).filter { $0["source"] as? String == "pattern" }
            .map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!):\($0["text"]!)" }
    }

    @Test func requestsChoosePatterns() throws {
        let server = try ServerProcess()
        let plain = try server.post("/v1/entities", json: Texts.json(["text": Self.text]))
        #expect(Self.patterns(try plain.json()["entities"]!).isEmpty)
        let single = try server.post("/v1/entities", json: Texts.json(["text": Self.text, "patterns": "pii"]))
        #expect(single.status == 200)
        let entities = try single.json()["entities"]!
        #expect(Self.patterns(entities) == Self.pii)
        // The same from the batch and, added up, from the stream.
        let batch = try server.post("/v1/entities/batch", json: Texts.json(["texts": [Self.text, "没有"], "patterns": "all"]))
        let results = try batch.json()["results"] as! [[String: Any]]
        #expect(Self.patterns(results[0]["entities"]!) == Self.pii)
        let stream = try server.post("/v1/entities/stream", json: Texts.json(["text": Self.text, "patterns": "pii"]))
        let lines = try stream.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(Texts.canonical(lines.compactMap { $0["entities"] as? [Any] }.flatMap { $0 }) == Texts.canonical(entities))
        // A pattern type in "types" turns its recognizer on and filters.
        let email = try server.post("/v1/entities", json: Texts.json(["text": Self.text, "types": ["EMAIL"]]))
        #expect(email.status == 200)
        #expect(Self.patterns(try email.json()["entities"]!) == ["EMAIL@19-39:zhangsan@example.com"])
        #expect((try email.json()["entities"] as! [Any]).count == 1)
        // Every answered pattern entity is counted by type (three routes with pii, one EMAIL alone).
        let metrics = try server.request("GET", "/metrics").text
        for (type, n) in [("PHONE", 3), ("EMAIL", 4), ("ID_CARD", 3)] {
            #expect(metrics.contains(#"zhner_entities_total{source="pattern",type="\#(type)"} \#(n)"#), "\(type)")
        }
        #expect(server.terminate() == 0)
    }

    @Test func badPatternsAreNamedNotEchoed() throws {
        let server = try ServerProcess()
        for body in ["{\"text\": \"a\", \"patterns\": \"sk-SECRET123\"}", "{\"texts\": [\"a\"], \"patterns\": \"sk-SECRET123\"}"] {
            let r = try server.post(body.contains("texts") ? "/v1/entities/batch" : "/v1/entities", json: body)
            #expect(r.status == 400)
            #expect(r.errorCode == "unknown_patterns", "\(r.text)")
            #expect(r.text.contains("\\\"patterns\\\""), "\(r.text)")
            #expect(!r.text.contains("SECRET123"))
        }
        let number = try server.post("/v1/entities", json: "{\"text\": \"a\", \"patterns\": 1}")
        #expect(number.status == 400)
        #expect(number.errorCode == "wrong_type")
        #expect(server.terminate() == 0)
    }

    @Test func serverDefault() throws {
        let server = try ServerProcess([], environment: ["ZHNER_PATTERNS": "pii"])
        let byDefault = try server.post("/v1/entities", json: Texts.json(["text": Self.text]))
        #expect(Self.patterns(try byDefault.json()["entities"]!) == Self.pii)
        let off = try server.post("/v1/entities", json: Texts.json(["text": Self.text, "patterns": "none"]))
        #expect(Self.patterns(try off.json()["entities"]!).isEmpty)
        #expect(server.terminate() == 0)
        let bad = try Zhner.run(["serve", "--model", Zhner.tinyModel, "--patterns", "most"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--patterns"))
    }
}
