import Foundation
import Testing
import ZhnerTestSupport

/// `/v1/redact` and `/v1/redact/stream` against a real server: every operator, the batch and the
/// stream agreeing with the single answer and with `zhner redact`, the refusals, auth, and a text
/// of a few megabytes.
@Suite(.serialized) struct RedactAPITests {
    static let secret = "Zk-Secret-9q"
    static let text = "张伟的电话是13812345678，邮箱zhangsan@example.com。张伟在北京工作。"

    static func items(_ body: [String: Any]) -> [[String: Any]] { body["items"] as! [[String: Any]] }

    /// The redacted text with each original put back over its span.
    static func restore(_ body: [String: Any]) -> String {
        var scalars = Array((body["text"] as! String).unicodeScalars)
        for item in items(body).reversed() {
            scalars.replaceSubrange((item["redacted_start"] as! Int)..<(item["redacted_end"] as! Int), with: (item["text"] as! String).unicodeScalars)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The PHONE operator as JSON, as `--operator` spells it, and the start of its replacement.
    @Test(arguments: [
        ("{\"type\": \"replace\"}", "replace", "[PHONE]"), ("{\"type\": \"replace\", \"template\": \"<{label}>\"}", "replace:<{label}>", "<电话>"),
        ("{\"type\": \"mask\", \"keep_first\": 3, \"keep_last\": 4}", "mask:3:4", "138****5678"),
        ("{\"type\": \"mask\", \"mask_char\": \"#\"}", "mask:0:0:#", "###########"),
        // HMAC-SHA256("Zk-Secret-9q", "13812345678"): openssl dgst -sha256 -hmac Zk-Secret-9q
        ("{\"type\": \"hash\"}", "hash", "9764e8902511b685"), ("{\"type\": \"hash\", \"length\": 8}", "hash:8", "9764e890，"),
        ("{\"type\": \"pseudonym\"}", "pseudonym", "电话1-"), ("{\"type\": \"keep\"}", "keep", "13812345678"),
    ])
    func eachOperator(_ phone: String, _ option: String, _ expected: String) throws {
        let server = try ServerProcess([], environment: ["ZHNER_REDACT_KEY": Self.secret])
        let body = "{\"text\": \"\(Self.text)\", \"operators\": {\"PHONE\": \(phone), \"default\": {\"type\": \"keep\"}}, \"include_originals\": true}"
        let r = try server.post("/v1/redact", json: body)
        #expect(r.status == 200, "\(r.text)")
        let answer = try r.json()
        #expect(answer["model"] as? String == "tiny-bert" && answer["took_ms"] is NSNumber)
        #expect((answer["text"] as! String).hasPrefix("张伟的电话是" + expected), "\(answer["text"]!)")
        #expect(Self.restore(answer) == Self.text)
        let phoneItem = Self.items(answer).first { $0["type"] as? String == "PHONE" }!
        #expect(phoneItem["operator"] as? String == String(option.prefix { $0 != ":" }))
        #expect(phoneItem["start"] as? Int == 6 && phoneItem["end"] as? Int == 17)
        // The same as zhner redact with the same operator.
        let cli = try Zhner.run(["redact", "--model", Zhner.tinyModel, "--with-originals", "--operator", "PHONE=\(option),default=keep"],
                                stdin: Data(Self.text.utf8), environment: ["ZHNER_REDACT_KEY": Self.secret])
        let record = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as! [String: Any]
        #expect(Texts.canonical(record) == Texts.canonical(answer.filter { $0.key == "text" || $0.key == "items" }))
        #expect(server.terminate() == 0)
    }

    @Test func batchSharesPseudonymsAndStreamAddsUp() throws {
        let server = try ServerProcess()
        let texts = [Self.text, "", "张伟和李娜。", Texts.long]
        let operators: [String: Any] = ["PER": ["type": "pseudonym"], "PHONE": ["type": "mask", "keep_first": 3, "keep_last": 4]]
        let batch = try server.post("/v1/redact", json: Texts.json(["texts": texts, "operators": operators, "include_originals": true]))
        #expect(batch.status == 200, "\(batch.text)")
        let results = try batch.json()["results"] as! [[String: Any]]
        #expect(results.map(Self.restore) == texts)
        // 张伟 is 人物1 in every text of the request.
        let zhang = results.flatMap(Self.items).filter { $0["text"] as? String == "张伟" }
        #expect(zhang.count >= 2)
        for (r, result) in results.enumerated() {
            for item in Self.items(result) where item["text"] as? String == "张伟" {
                let scalars = Array((result["text"] as! String).unicodeScalars)
                #expect(String(String.UnicodeScalarView(scalars[(item["redacted_start"] as! Int)..<(item["redacted_end"] as! Int)])) == "人物1", "text \(r)")
            }
        }
        for text in [Texts.long + Self.text, "", Self.text] {
            let single = try server.post("/v1/redact", json: Texts.json(["text": text, "operators": operators])).json()
            let stream = try server.post("/v1/redact/stream", json: Texts.json(["text": text, "operators": operators]))
            #expect(stream.status == 200 && stream.headers["content-type"] == "application/x-ndjson")
            let lines = try stream.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            let pieces = lines.dropLast()
            #expect(pieces.map { $0["text"] as! String }.joined() == single["text"] as? String)
            #expect(Texts.canonical(pieces.flatMap { Self.items($0) }) == Texts.canonical(Self.items(single)))
            #expect(lines.last?["done"] as? Bool == true && lines.last?["entities_total"] as? Int == Self.items(single).count)
            #expect(pieces.last?["processed"] as? Int == text.unicodeScalars.count)
        }
        #expect(server.terminate() == 0)
    }

    @Test(arguments: [
        ("{\"text\": \"a\", \"texts\": [\"b\"]}", "/v1/redact", "conflicting_fields", "\"texts\""),
        ("{\"types\": [\"PER\"]}", "/v1/redact", "missing_field", "\"texts\""),
        ("{\"texts\": [\"b\"]}", "/v1/redact/stream", "unknown_field", "\"operators\""),
        ("{\"text\": \"a\", \"operators\": [1]}", "/v1/redact", "wrong_type", "\"operators\""),
        ("{\"text\": \"a\", \"operators\": {\"sk-SECRET\": {\"type\": \"keep\"}}}", "/v1/redact", "unknown_type", "\"operators\""),
        ("{\"text\": \"a\", \"operators\": {\"PER\": {\"type\": \"sk-SECRET\"}}}", "/v1/redact", "unknown_operator", "\"operators\".\"PER\".\"type\""),
        ("{\"text\": \"a\", \"operators\": {\"PER\": {\"keep_first\": 1}}}", "/v1/redact", "missing_field", "\"operators\".\"PER\""),
        ("{\"text\": \"a\", \"operators\": {\"PER\": {\"type\": \"mask\", \"keep_first\": 99}}}", "/v1/redact", "bad_parameter", "\"operators\".\"PER\".\"keep_first\""),
        ("{\"text\": \"a\", \"operators\": {\"PER\": {\"type\": \"mask\", \"keep_first\": 1.5}}}", "/v1/redact", "wrong_type", "whole number"),
        ("{\"text\": \"a\", \"operators\": {\"PER\": {\"type\": \"mask\", \"template\": \"x\"}}}", "/v1/redact", "unknown_field", "\"keep_first\""),
        ("{\"text\": \"a\", \"operators\": {\"default\": {\"type\": \"replace\", \"template\": \"a\\nb\"}}}", "/v1/redact", "bad_parameter", "\"template\""),
        ("{\"text\": \"a\", \"operators\": {\"PHONE\": {\"type\": \"hash\"}}}", "/v1/redact/stream", "key_required", "--redact-key-file"),
        ("{\"text\": \"a\", \"include_originals\": \"yes\"}", "/v1/redact", "wrong_type", "\"include_originals\""),
        ("{\"text\": \"a\", \"patterns\": \"sk-SECRET\"}", "/v1/redact", "unknown_patterns", "\"patterns\""),
        // Operators that would protect nothing, or either of two.
        ("{\"text\": \"a\", \"patterns\": \"none\", \"operators\": {\"PHONE\": {\"type\": \"mask\"}}}", "/v1/redact", "unfound_type", "\"patterns\": \"all\""),
        ("{\"text\": \"a\", \"types\": [\"LOC\"], \"operators\": {\"PER\": {\"type\": \"mask\"}}}", "/v1/redact/stream", "unfound_type", "\"types\""),
        ("{\"text\": \"a\", \"operators\": {\"PER\": {\"type\": \"mask\"}, \"PER\": {\"type\": \"keep\"}}}", "/v1/redact", "duplicate_name", "same name twice"),
    ])
    func badBodiesAre400s(_ body: String, _ route: String, _ code: String, _ named: String) throws {
        let server = try ServerProcess()
        let r = try server.post(route, json: body)
        #expect(r.status == 400, "\(r.text)")
        #expect(r.errorCode == code, "\(r.text)")
        let message = ((try r.json()["error"] as! [String: Any])["message"] as! String)
        #expect(message.contains(named), "\(message)")
        #expect(!r.text.contains("SECRET"))
        #expect(server.terminate() == 0)
    }

    @Test func routesNeedTheKeyAndKeepLimits() throws {
        let server = try ServerProcess(["--api-key", "k-123", "--max-text-chars", "10"])
        for route in ["/v1/redact", "/v1/redact/stream"] {
            #expect(try server.post(route, json: Texts.json(["text": "张伟"])).status == 401)
            #expect(try server.post(route, json: Texts.json(["text": "张伟"]), headers: ["Authorization": "Bearer k-123"]).status == 200)
            let long = try server.post(route, json: Texts.json(["text": String(repeating: "北", count: 11)]), headers: ["Authorization": "Bearer k-123"])
            #expect(long.status == 413 && long.errorCode == "text_too_long")
        }
        #expect(try server.request("GET", "/v1/redact").status == 405)
        #expect(server.terminate() == 0)
        #expect(!server.stderr.contains("k-123"))
    }

    /// A document of 2.2 MB of UTF-8 (1.3 million code points) through the stream: every phone
    /// number and address gone, and the originals put back give the document again. (A debug build
    /// takes about a minute per megabyte here; 10 MB is measured in a release build: docs/PRIVACY.md.)
    @Test func megabyteDocument() throws {
        let sentence = "张伟在北京工作，电话13812345678，邮箱zhangsan@example.com。\n"
        let document = String(repeating: sentence, count: 30_000)
        let server = try ServerProcess(["--max-body-bytes", "\(8 << 20)", "--max-text-chars", "\(2 << 20)"])
        let body = Texts.json(["text": document, "operators": ["PHONE": ["type": "mask", "keep_first": 3, "keep_last": 4]], "include_originals": true])
        #expect(body.utf8.count > 2_000_000)
        let stream = try server.post("/v1/redact/stream", json: body)
        #expect(stream.status == 200)
        let lines = try stream.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count > 100)
        let pieces = lines.dropLast()
        let whole: [String: Any] = ["text": pieces.map { $0["text"] as! String }.joined(), "items": pieces.flatMap { Self.items($0) }]
        let redacted = whole["text"] as! String
        #expect(!redacted.contains("13812345678") && !redacted.contains("zhangsan@"))
        #expect(redacted.components(separatedBy: "电话138****5678，邮箱[EMAIL]。\n").count == 30_001)
        #expect(Self.items(whole).filter { $0["type"] as? String == "PHONE" }.count == 30_000)
        #expect(Self.restore(whole) == document)
        #expect(lines.last?["entities_total"] as? Int == Self.items(whole).count)
        #expect(server.terminate() == 0)
    }
}
