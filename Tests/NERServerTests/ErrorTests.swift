import Foundation
import Testing

/// Every error status, each with the `{"error": {"code", "message"}}` body.
@Suite(.serialized) struct ErrorTests {
    @Test func badRequests() throws {
        let server = try ServerProcess()
        let cases: [(String, String, String)] = [
            ("/v1/entities", "", "invalid_json"),
            ("/v1/entities", "{\"text\": ", "invalid_json"),
            ("/v1/entities", "\"just a string\"", "wrong_type"),
            ("/v1/entities", "[\"a\"]", "wrong_type"),
            ("/v1/entities", "{}", "missing_field"),
            ("/v1/entities", "{\"text\": 5}", "wrong_type"),
            ("/v1/entities", "{\"text\": null}", "wrong_type"),
            ("/v1/entities", "{\"text\": [\"a\"]}", "wrong_type"),
            ("/v1/entities", "{\"text\": \"a\", \"type\": [\"PER\"]}", "unknown_field"),
            ("/v1/entities", "{\"text\": \"a\", \"types\": \"PER\"}", "wrong_type"),
            ("/v1/entities", "{\"text\": \"a\", \"types\": [\"PER\", 1]}", "wrong_type"),
            ("/v1/entities", "{\"text\": \"a\", \"types\": [\"PERSON\"]}", "unknown_type"),
            ("/v1/entities/stream", "{\"texts\": [\"a\"]}", "unknown_field"),
            ("/v1/entities/batch", "{\"text\": \"a\"}", "unknown_field"),
            ("/v1/entities/batch", "{}", "missing_field"),
            ("/v1/entities/batch", "{\"texts\": \"a\"}", "wrong_type"),
            ("/v1/entities/batch", "{\"texts\": [\"a\", true]}", "wrong_type"),
        ]
        for (path, body, code) in cases {
            let r = try server.post(path, json: body)
            #expect(r.status == 400, "\(path) \(body)")
            #expect(r.errorCode == code, "\(path) \(body): \(r.text)")
            let message = (try r.json()["error"] as? [String: Any])?["message"] as? String
            #expect(message?.isEmpty == false)
        }
        // Where the parser stopped (bytes), or why; never the body's content.
        for (body, message) in [("{\"text\": \"北京\",,}", "the body is not valid JSON at byte 18"),
                                ("{\"text\": ", "the body is not valid JSON: it ends before its JSON does"),
                                ("{\"text\": 1e999}", "the body is not valid JSON: a number beyond the range of a 64-bit float (±1.8e308)")] {
            let r = try server.post("/v1/entities", json: body)
            #expect((try r.json()["error"] as? [String: Any])?["message"] as? String == message, "\(body)")
        }
        var invalid = Data("{\"text\": \"好".utf8)
        invalid.append(contentsOf: [0xE4, 0xB8, 0x22, 0x7D])
        let r = try server.request("POST", "/v1/entities", headers: ["Content-Type": "application/json"], body: invalid)
        #expect(r.status == 400)
        #expect(r.errorCode == "invalid_utf8")
        // The server still works after all that.
        #expect(try server.post("/v1/entities", json: "{\"text\": \"北京\"}").status == 200)
    }

    /// Messages name the field at fault and repeat nothing the client sent: a field or type name
    /// may be a secret, or 50 KB.
    @Test func errorsNeverEchoRequestContent() throws {
        let server = try ServerProcess()
        let longType = String(repeating: "T", count: 50_000)
        let cases: [(path: String, body: String, code: String, secret: String)] = [
            ("/v1/entities", "{\"text\": \"a\", \"sk-SECRET123\": 1}", "unknown_field", "SECRET123"),
            ("/v1/entities/batch", "{\"texts\": [\"a\"], \"sk-SECRET123\": 1}", "unknown_field", "SECRET123"),
            ("/v1/entities", "{\"text\": \"a\", \"types\": [\"PER\", \"sk-SECRET123\"]}", "unknown_type", "SECRET123"),
            ("/v1/entities", "{\"text\": \"a\", \"types\": [\"\(longType)\"]}", "unknown_type", "TTTTTTTTTT"),
        ]
        for c in cases {
            let r = try server.post(c.path, json: c.body)
            #expect(r.status == 400)
            #expect(r.errorCode == c.code, "\(r.text.prefix(200))")
            #expect(!r.text.contains(c.secret), "\(r.text.prefix(200))")
            #expect(r.body.count < 500)
        }
        let named = try server.post("/v1/entities", json: "{\"text\": \"a\", \"types\": [\"PER\", \"sk-SECRET123\"]}")
        #expect(named.text.contains("\\\"types\\\"[1]"), "\(named.text)")
    }

    @Test func notFoundAndMethodNotAllowed() throws {
        let server = try ServerProcess()
        for path in ["/v1/entity", "/v2/entities", "/healthz/", "/index.html"] {
            let r = try server.request("GET", path)
            #expect(r.status == 404, "\(path)")
            #expect(r.errorCode == "not_found")
        }
        for (method, path, allow) in [("GET", "/v1/entities", "POST, OPTIONS"), ("PUT", "/v1/entities/batch", "POST, OPTIONS"),
                                      ("DELETE", "/v1/entities/stream", "POST, OPTIONS"), ("POST", "/healthz", "GET, HEAD, OPTIONS"),
                                      ("POST", "/", "GET, HEAD, OPTIONS")] {
            let r = try server.request(method, path)
            #expect(r.status == 405, "\(method) \(path)")
            #expect(r.headers["allow"] == allow)
            #expect(r.errorCode == "method_not_allowed")
        }
    }

    @Test func postsMustBeJSON() throws {
        let server = try ServerProcess()
        let body = Data("{\"text\": \"北京\"}".utf8)
        for type in [nil, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1",
                     "application/json; charset=utf-16"] {
            let r = try server.request("POST", "/v1/entities", headers: type.map { ["Content-Type": $0] } ?? [:], body: body)
            #expect(r.status == 415, "\(type ?? "none")")
            #expect(r.errorCode == "unsupported_media_type")
        }
        for type in ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"] {
            #expect(try server.request("POST", "/v1/entities", headers: ["Content-Type": type], body: body).status == 200, "\(type)")
        }
    }

    @Test func limitsGive413NamingTheLimit() throws {
        let server = try ServerProcess(["--max-body-bytes", "300", "--max-text-chars", "20", "--max-batch-texts", "3"])
        let declared = try server.post("/v1/entities", json: Texts.json(["text": String(repeating: "a", count: 400)]))
        #expect(declared.status == 413)
        #expect(declared.errorCode == "body_too_large")
        #expect(declared.text.contains("max-body-bytes = 300"))

        // A chunked body declares no length: the limit holds while reading.
        let c = try RawHTTP(port: server.port)
        let chunk = Data(String(repeating: "x", count: 200).utf8)
        var wire = Data("POST /v1/entities HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<3 { wire.append(Data("c8\r\n".utf8) + chunk + Data("\r\n".utf8)) }
        wire.append(Data("0\r\n\r\n".utf8))
        try c.sendAll(wire)
        let chunked = try c.response()
        #expect(chunked.status == 413)
        #expect(chunked.errorCode == "body_too_large")

        let long = try server.post("/v1/entities", json: Texts.json(["text": String(repeating: "京", count: 21)]))
        #expect(long.status == 413)
        #expect(long.errorCode == "text_too_long")
        #expect(long.text.contains("max-text-chars = 20"))
        // Code points, not bytes or UTF-16 units: 20 four-byte emoji are within the limit.
        #expect(try server.post("/v1/entities", json: Texts.json(["text": String(repeating: "😀", count: 20)])).status == 200)

        let many = try server.post("/v1/entities/batch", json: Texts.json(["texts": ["a", "b", "c", "d"]]))
        #expect(many.status == 413)
        #expect(many.errorCode == "too_many_texts")
        #expect(many.text.contains("max-batch-texts = 3"))
        let oneLong = try server.post("/v1/entities/batch", json: Texts.json(["texts": ["a", String(repeating: "京", count: 21)]]))
        #expect(oneLong.errorCode == "text_too_long")
        #expect(oneLong.text.contains("\\\"texts\\\"[1]"))
    }

    @Test func fullQueueGives503AtOnce() throws {
        // One worker, one queue place: a burst of long requests cannot all be held.
        let server = try ServerProcess(["--workers", "1", "--queue", "1"])
        let body = Data(Texts.json(["text": String(repeating: Texts.long, count: 8)]).utf8)
        let connections = try (0..<10).map { _ in try RawHTTP(port: server.port) }
        for c in connections {
            try c.send("POST", "/v1/entities", headers: ["Content-Type": "application/json"], body: body)
        }
        // While the queue is full the server says it is not ready (the first request runs far
        // longer than it takes the others to arrive).
        var ready = try server.request("GET", "/readyz")
        for _ in 0..<500 where ready.status == 200 {
            usleep(5000)
            ready = try server.request("GET", "/readyz")
        }
        #expect(ready.status == 503)
        #expect(ready.errorCode == "queue_full")
        #expect(ready.headers["retry-after"] == "1")
        let results = try connections.map { try $0.response() }
        let statuses = results.map(\.status)
        #expect(Set(statuses).isSubset(of: [200, 503]), "\(statuses)")
        #expect(statuses.contains(200))
        #expect(statuses.contains(503))
        for r in results where r.status == 503 {
            #expect(r.headers["retry-after"] == "1")
            #expect(r.errorCode == "queue_full")
        }
        #expect(try server.request("GET", "/metrics").text.contains("zhner_queue_rejected_total \(statuses.filter { $0 == 503 }.count)"))
    }

    @Test func expiredWorkGives504WithoutRunning() throws {
        let server = try ServerProcess(["--workers", "1", "--deadline-ms", "1"])
        let body = Data(Texts.json(["text": String(repeating: Texts.long, count: 8)]).utf8)
        let connections = try (0..<6).map { _ in try RawHTTP(port: server.port) }
        for c in connections {
            try c.send("POST", "/v1/entities", headers: ["Content-Type": "application/json"], body: body)
        }
        let results = try connections.map { try $0.response() }
        let statuses = results.map(\.status)
        #expect(Set(statuses).isSubset(of: [200, 504]), "\(statuses)")
        #expect(statuses.contains(504))
        for r in results where r.status == 504 { #expect(r.errorCode == "deadline_exceeded") }
        let metrics = try server.request("GET", "/metrics").text
        // Only what ran was counted as processed.
        #expect(metrics.contains("zhner_texts_processed_total \(statuses.filter { $0 == 200 }.count)"))
    }
}
