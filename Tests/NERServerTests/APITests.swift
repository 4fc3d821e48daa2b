import Foundation
import ZhnerTestSupport
@testable import NERServer
import Testing

/// Texts with entities of every type, for the tiny model.
enum Texts {
    static let sentence = "张伟在北京工作。"
    static let sentences = ["张伟在北京工作。", "联合国秘书长访问上海。", "李娜代表中国参加了比赛！", "阿里巴巴总部位于杭州。"]
    /// Far longer than the tiny model's 38-token window: cut into sentences, streamed in pieces.
    static let long = (0..<60).map { sentences[$0 % sentences.count] }.joined()

    static func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Parsed JSON in one spelling (sorted keys), for comparing values.
    static func canonical(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// The routes' happy paths against a real `zhner serve`.
@Suite(.serialized) struct APITests {
    @Test func entitiesAreTheCLIs() throws {
        let server = try ServerProcess()
        let texts = Texts.sentences + ["", "emoji 😀 和 \"引号\"\t制表", Texts.long]
        let cli = try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: Data(texts.joined(separator: "\n").utf8))
        #expect(cli.status == 0, "\(cli.stderr)")
        let records = cli.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(records.count == texts.count)
        for (text, record) in zip(texts, records) {
            let r = try server.post("/v1/entities", json: Texts.json(["text": text]))
            #expect(r.status == 200)
            #expect(r.headers["content-type"] == "application/json")
            let body = try r.json()
            #expect(body["model"] as? String == "tiny-bert")
            #expect(body["took_ms"] is NSNumber)
            let expected = try JSONSerialization.jsonObject(with: Data(record.utf8)) as! [String: Any]
            #expect(Texts.canonical(body["entities"] as! [Any]) == Texts.canonical(expected["entities"] as! [Any]))
        }
    }

    @Test func typesFilter() throws {
        let server = try ServerProcess()
        let all = try server.post("/v1/entities", json: Texts.json(["text": Texts.long])).json()["entities"] as! [[String: Any]]
        #expect(Set(all.map { $0["type"] as! String }).count > 1)
        let only = try server.post("/v1/entities", json: Texts.json(["text": Texts.long, "types": ["LOC"]])).json()["entities"] as! [[String: Any]]
        #expect(!only.isEmpty)
        #expect(Texts.canonical(only) == Texts.canonical(all.filter { $0["type"] as? String == "LOC" }))
    }

    @Test func batchAnswersInOrder() throws {
        // Several workers and concurrent batches: order must still hold.
        let server = try ServerProcess(["--workers", "2"])
        let texts = (0..<40).map { Texts.sentences[$0 % 4] + String(repeating: "。", count: $0 % 3) }
        let r = try server.post("/v1/entities/batch", json: Texts.json(["texts": texts, "types": ["PER", "ORG"]]))
        #expect(r.status == 200)
        let results = try r.json()["results"] as! [[String: Any]]
        #expect(results.count == texts.count)
        for (text, result) in zip(texts, results) {
            let single = try server.post("/v1/entities", json: Texts.json(["text": text, "types": ["PER", "ORG"]])).json()
            #expect(Texts.canonical(result["entities"] as! [Any]) == Texts.canonical(single["entities"] as! [Any]))
        }
        let empty = try server.post("/v1/entities/batch", json: #"{"texts": []}"#)
        #expect(empty.status == 200)
        #expect((try empty.json()["results"] as! [Any]).isEmpty)
    }

    @Test func streamSendsPiecesThatAddUpToTheWhole() throws {
        let server = try ServerProcess(["--stream-piece-tokens", "48"])
        let whole = try server.post("/v1/entities", json: Texts.json(["text": Texts.long])).json()["entities"] as! [Any]
        let r = try server.post("/v1/entities/stream", json: Texts.json(["text": Texts.long]))
        #expect(r.status == 200)
        #expect(r.chunked)
        #expect(r.headers["content-type"] == "application/x-ndjson")
        let lines = r.text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let pieces = lines.dropLast()
        #expect(pieces.count > 3)
        let total = Texts.long.unicodeScalars.count
        var processed = 0
        var entities: [Any] = []
        for piece in pieces {
            let p = piece["processed"] as! Int
            #expect(p > processed)
            processed = p
            #expect(piece["total"] as? Int == total)
            entities += piece["entities"] as! [Any]
        }
        #expect(processed == total)
        #expect(Texts.canonical(entities) == Texts.canonical(whole))
        let summary = lines.last!
        #expect(summary["done"] as? Bool == true)
        #expect(summary["entities_total"] as? Int == whole.count)
        #expect(summary["took_ms"] is NSNumber)
    }

    @Test func getRoutes() throws {
        let server = try ServerProcess()
        let page = try server.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        // The page's files and the spec are served byte for byte as they are in the repository.
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        func file(_ path: String) throws -> String { try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8) }
        #expect(page.text == (try file("Sources/NERServer/Web/page/index.html")))
        #expect(page.text.contains("<title>zhner"))
        for (path, type) in [("app.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8")] {
            let asset = try server.request("GET", "/" + path)
            #expect(asset.status == 200)
            #expect(asset.headers["content-type"] == type)
            #expect(asset.text == (try file("Sources/NERServer/Web/page/" + path)))
        }

        let spec = try server.request("GET", "/openapi.json")
        #expect(spec.status == 200)
        #expect(spec.headers["content-type"] == "application/json")
        #expect(spec.text == (try file("docs/openapi.json")))

        let health = try server.request("GET", "/healthz")
        #expect(health.status == 200)
        #expect(try health.json()["status"] as? String == "ok")
        let ready = try server.request("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(try ready.json()["status"] as? String == "ready")

        let head = try server.request("HEAD", "/healthz")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)

        let options = try server.request("OPTIONS", "/v1/entities")
        #expect(options.status == 204)
        #expect(options.headers["allow"] == "POST, OPTIONS")
    }

    @Test func metricsInPrometheusFormat() throws {
        let server = try ServerProcess()
        #expect(try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence])).status == 200)
        #expect(try server.post("/v1/entities/batch", json: Texts.json(["texts": Texts.sentences])).status == 200)
        #expect(try server.request("GET", "/nope").status == 404)
        let r = try server.request("GET", "/metrics")
        #expect(r.status == 200)
        #expect(r.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let m = r.text
        for expected in [
            #"zhner_http_requests_total{route="/v1/entities",status="200"} 1"#,
            #"zhner_http_requests_total{route="/v1/entities/batch",status="200"} 1"#,
            #"zhner_http_requests_total{route="other",status="404"} 1"#,
            #"zhner_http_request_duration_seconds_bucket{route="/v1/entities",status="200",le="+Inf"} 1"#,
            #"zhner_http_request_duration_seconds_count{route="/v1/entities",status="200"} 1"#,
            "zhner_batch_texts_bucket{le=\"1\"}",
            "zhner_texts_processed_total 5",
            "zhner_characters_processed_total \(Texts.sentence.count + Texts.sentences.joined().count)",
            "zhner_queue_depth 0", "zhner_queue_capacity 64", "zhner_http_inflight_requests 1",
            "zhner_workers_busy 0", "# TYPE process_resident_memory_bytes gauge",
            #"zhner_model_info{architecture="#, #"model="tiny-bert""#, #"types="PER,LOC,ORG"} 1"#,
        ] {
            #expect(m.contains(expected), "missing \(expected)")
        }
        let rss = m.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
        #expect((rss.flatMap { Int($0.split(separator: " ")[1]) } ?? 0) > 1_000_000)
        // Every sample line is `name{labels} value` or `name value`, under a # TYPE of its family.
        for line in m.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(Double(line.split(separator: " ").last!) != nil, "bad sample \(line)")
        }
    }

    @Test func environmentVariablesSetOptionsAndFlagsWin() throws {
        // ZHNER_PORT is garbage, but --port 0 (given by ServerProcess) wins and it is never read.
        let server = try ServerProcess([], environment: ["ZHNER_PORT": "not-a-port", "ZHNER_QUEUE": "7", "ZHNER_WORKERS": "1"])
        let m = try server.request("GET", "/metrics").text
        #expect(m.contains("zhner_queue_capacity 7"))
        #expect(m.contains("zhner_workers 1"))
        let bad = try Zhner.run(["serve", "--model", Zhner.tinyModel], environment: ["ZHNER_PORT": "70000"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("ZHNER_PORT must be an integer in 0...65535"))
    }

    @Test func helpListsEveryOptionWithItsVariable() throws {
        let r = try Zhner.run(["serve", "--help"])
        #expect(r.status == 0)
        for (flag, env) in [("--host", "ZHNER_HOST"), ("--port", "ZHNER_PORT"), ("--model", "ZHNER_MODEL"),
                            ("--workers", "ZHNER_WORKERS"), ("--queue", "ZHNER_QUEUE"),
                            ("--max-batch-tokens", "ZHNER_MAX_BATCH_TOKENS"), ("--batch-wait-ms", "ZHNER_BATCH_WAIT_MS"),
                            ("--deadline-ms", "ZHNER_DEADLINE_MS"), ("--max-body-bytes", "ZHNER_MAX_BODY_BYTES"),
                            ("--max-text-chars", "ZHNER_MAX_TEXT_CHARS"), ("--max-batch-texts", "ZHNER_MAX_BATCH_TEXTS"),
                            ("--stream-piece-tokens", "ZHNER_STREAM_PIECE_TOKENS"),
                            ("--max-connections", "ZHNER_MAX_CONNECTIONS"),
                            ("--connection-timeout-s", "ZHNER_CONNECTION_TIMEOUT_S"), ("--api-key", "ZHNER_API_KEYS"),
                            ("--api-key-file", "ZHNER_API_KEY_FILE"), ("--insecure-no-auth", "ZHNER_INSECURE_NO_AUTH"),
                            ("--public-metrics", "ZHNER_PUBLIC_METRICS"), ("--cors-origin", "ZHNER_CORS_ORIGINS")] {
            #expect(r.stdout.contains(flag + " "), "\(flag)")
            #expect(r.stdout.contains("(\(env); default: "), "\(env)")
        }
        #expect(try Zhner.run(["--help"]).stdout.contains("serve "))
    }
}
