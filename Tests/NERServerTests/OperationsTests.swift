import Foundation
import ZhnerTestSupport
@testable import NERServer
import Testing

/// Keys, CORS, logging, shutdown and start-up checks.
@Suite(.serialized) struct OperationsTests {
    static let key = "test-key-Zq81x"
    static let fileKey = "file-key-7Hw2"

    @Test func apiKeysGuardTheAPI() throws {
        let keys = try ScratchFile("keys", contents: "# one per line\n\n\(Self.fileKey)\n")
        defer { keys.remove() }
        let server = try ServerProcess(["--api-key-file", keys.path], environment: ["ZHNER_API_KEYS": "other-key, \(Self.key)"])
        let body = Texts.json(["text": Texts.sentence])
        for path in ["/v1/entities", "/v1/entities/batch", "/v1/entities/stream"] {
            for auth in [nil, "Bearer wrong", "Bearer \(Self.key)x", "Basic \(Self.key)", Self.key, "Bearer"] {
                let r = try server.post(path, json: body, headers: auth.map { ["Authorization": $0] } ?? [:])
                #expect(r.status == 401, "\(path) \(auth ?? "none")")
                #expect(r.errorCode == "unauthorized")
                #expect(r.headers["www-authenticate"] == "Bearer")
                #expect(!r.text.contains(Self.key))
            }
        }
        for auth in ["Bearer \(Self.key)", "bearer \(Self.fileKey)", "Bearer other-key"] {
            #expect(try server.post("/v1/entities", json: body, headers: ["Authorization": auth]).status == 200, "\(auth)")
        }
        // Probes, the page and the spec need no key; metrics does, by default.
        for path in ["/healthz", "/readyz", "/", "/openapi.json"] {
            #expect(try server.request("GET", path).status == 200, "\(path)")
        }
        #expect(try server.request("GET", "/metrics").status == 401)
        #expect(try server.request("GET", "/metrics", headers: ["Authorization": "Bearer \(Self.key)"]).status == 200)
        // Preflights come without credentials.
        #expect(try server.request("OPTIONS", "/v1/entities").status == 204)

        #expect(server.terminate() == 0)
        #expect(!server.stderr.contains(Self.key))
        #expect(!server.stderr.contains(Self.fileKey))
    }

    @Test func publicMetricsOption() throws {
        let server = try ServerProcess(["--api-key", Self.key, "--public-metrics"])
        #expect(try server.request("GET", "/metrics").status == 200)
        #expect(try server.post("/v1/entities", json: Texts.json(["text": "北京"])).status == 401)
    }

    @Test func cors() throws {
        let server = try ServerProcess(["--cors-origin", "http://a.example", "--cors-origin", "http://b.example,http://c.example"])
        let preflight = ["Origin": "http://b.example", "Access-Control-Request-Method": "POST",
                         "Access-Control-Request-Headers": "content-type, authorization"]
        let ok = try server.request("OPTIONS", "/v1/entities", headers: preflight)
        #expect(ok.status == 204)
        #expect(ok.headers["access-control-allow-origin"] == "http://b.example")
        #expect(ok.headers["access-control-allow-methods"]?.contains("POST") == true)
        #expect(ok.headers["access-control-allow-headers"]?.lowercased().contains("authorization") == true)
        #expect(ok.headers["vary"] == "Origin")
        // A document's options header may cross origins to the routes that read it.
        let document = try server.request("OPTIONS", "/v1/redact/stream", headers: preflight)
        #expect(document.headers["access-control-allow-headers"]?.contains("Zhner-Options") == true)
        #expect(ok.headers["access-control-allow-headers"]?.contains("Zhner-Options") == false)

        let other = try server.request("OPTIONS", "/v1/entities", headers: preflight.merging(["Origin": "http://evil.example"]) { $1 })
        #expect(other.headers["access-control-allow-origin"] == nil)
        // With an allow-list every answer depends on Origin, allowed or not, sent or not.
        #expect(other.headers["vary"] == "Origin")
        #expect(try server.request("GET", "/healthz").headers["vary"] == "Origin")
        #expect(try server.request("GET", "/nope", headers: ["Origin": "http://evil.example"]).headers["vary"] == "Origin")

        let post = try server.post("/v1/entities", json: Texts.json(["text": "北京"]), headers: ["Origin": "http://c.example"])
        #expect(post.status == 200)
        #expect(post.headers["access-control-allow-origin"] == "http://c.example")
        // Errors carry the header too, or a browser could not read them.
        let error = try server.post("/v1/entities", json: "{}", headers: ["Origin": "http://a.example"])
        #expect(error.status == 400)
        #expect(error.headers["access-control-allow-origin"] == "http://a.example")
        #expect(try server.post("/v1/entities", json: Texts.json(["text": "北京"])).headers["access-control-allow-origin"] == nil)

        let any = try ServerProcess(["--cors-origin", "*"])
        #expect(try any.request("GET", "/healthz", headers: ["Origin": "http://x.example"]).headers["access-control-allow-origin"] == "http://x.example")
        #expect(try any.request("GET", "/healthz").headers["vary"] == "Origin")
        // Without CORS nothing depends on Origin.
        let none = try ServerProcess()
        #expect(try none.request("GET", "/healthz", headers: ["Origin": "http://x.example"]).headers["vary"] == nil)
    }

    @Test func accessLogHasOneJSONLinePerRequestWithoutTextOrKey() throws {
        let server = try ServerProcess(["--api-key", Self.key])
        let secretText = "秘密文本王小明在深圳"
        let auth = ["Authorization": "Bearer \(Self.key)"]
        #expect(try server.post("/v1/entities", json: Texts.json(["text": secretText]), headers: auth).status == 200)
        #expect(try server.post("/v1/entities/batch", json: Texts.json(["texts": [secretText, "北京"]]), headers: auth).status == 200)
        #expect(try server.post("/v1/entities", json: "{\"text\": 1}", headers: auth).status == 400)
        #expect(try server.request("GET", "/nowhere?q=\(Self.key)").status == 404)
        #expect(server.terminate() == 0)
        let lines = server.stderr.split(separator: "\n")
        #expect(lines.count == 4)
        let records = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == 4)
        #expect(records.map { $0["route"] as? String } == ["/v1/entities", "/v1/entities/batch", "/v1/entities", "other"])
        #expect(records.map { $0["status"] as? Int } == [200, 200, 400, 404])
        #expect(records.map { $0["method"] as? String } == ["POST", "POST", "POST", "GET"])
        #expect(records.map { $0["chars"] as? Int } == [secretText.count, secretText.count + 2, 0, 0])
        #expect(records.allSatisfy { $0["ms"] is NSNumber && $0["ts"] is String })
        #expect(!server.stderr.contains(secretText))
        #expect(!server.stderr.contains("王小明"))
        #expect(!server.stderr.contains(Self.key))
    }

    @Test func sigtermFinishesRequestsInFlightThenExitsZero() throws {
        let server = try ServerProcess(["--workers", "1"])
        let body = Data(Texts.json(["text": String(repeating: Texts.long, count: 4)]).utf8)
        let connections = try (0..<4).map { _ in try RawHTTP(port: server.port) }
        for c in connections {
            try c.send("POST", "/v1/entities", headers: ["Content-Type": "application/json"], body: body)
        }
        // Wait until the server holds them all (the probe itself is one more), then signal.
        var inflight = 0
        while inflight < 5 {
            let m = try server.request("GET", "/metrics").text
            inflight = m.split(separator: "\n").first { $0.hasPrefix("zhner_http_inflight_requests ") }
                .flatMap { Int($0.split(separator: " ")[1]) } ?? 0
            let started = m.split(separator: "\n").first { $0.hasPrefix("zhner_texts_processed_total ") }
                .flatMap { Int($0.split(separator: " ")[1]) } ?? 0
            // On a fast machine the first may be answered before the last arrives: then all have
            // at least been received once the last has started.
            if started == connections.count { break }
            usleep(10_000)
        }
        server.process.terminate()
        let results = try connections.map { try $0.response() }
        server.process.waitUntilExit()
        #expect(results.map(\.status) == [200, 200, 200, 200])
        #expect(results.allSatisfy { ((try? $0.json())?["entities"] as? [Any])?.isEmpty == false })
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        // Nothing listens any more.
        #expect(throws: RawHTTP.Failure.self) { try RawHTTP(port: server.port) }
    }

    @Test func streamInFlightAlsoFinishes() throws {
        let server = try ServerProcess(["--workers", "1", "--stream-piece-tokens", "32"])
        let c = try RawHTTP(port: server.port)
        try c.send("POST", "/v1/entities/stream", headers: ["Content-Type": "application/json"],
                   body: Data(Texts.json(["text": String(repeating: Texts.long, count: 4)]).utf8))
        while try !server.request("GET", "/metrics").text.contains("zhner_http_inflight_requests 2") {
            if server.stderr.contains("/v1/entities/stream") { break }
            usleep(10_000)
        }
        server.process.terminate()
        let r = try c.response()
        server.process.waitUntilExit()
        #expect(r.status == 200)
        #expect(r.text.hasSuffix("}\n"))
        #expect(r.text.split(separator: "\n").last?.contains("\"done\": true") == true)
        #expect(server.process.terminationStatus == 0)
    }

    @Test func startUpChecks() throws {
        let open = try Zhner.run(["serve", "--model", Zhner.tinyModel, "--host", "0.0.0.0", "--port", "0"])
        #expect(open.status == 2)
        #expect(open.stderr.contains("not a loopback address) needs API keys"))
        #expect(open.stderr.contains("--insecure-no-auth"))

        let noModel = try Zhner.run(["serve", "--model", "/nonexistent", "--port", "0"])
        #expect(noModel.status == 66)

        let bad = try Zhner.run(["serve", "--model", Zhner.tinyModel, "--workers", "0"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--workers must be an integer"))

        let busy = try ServerProcess()
        let taken = try Zhner.run(["serve", "--model", Zhner.tinyModel, "--port", String(busy.port)])
        #expect(taken.status == 74)
        #expect(taken.stderr.contains("cannot listen on 127.0.0.1:\(busy.port)"))
        // zhner's message alone, not libmicrohttpd's "Failed to bind to port 0" before it
        #expect(!taken.stderr.contains("Failed to bind"), "\(taken.stderr)")
    }

    @Test func loopbackDetection() throws {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost"] {
            #expect(try ListenAddress(host: host, port: 0).isLoopback, "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.1.2.3"] {
            #expect(try !ListenAddress(host: host, port: 0).isLoopback, "\(host)")
        }
        #expect(Auth.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!Auth.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!Auth.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!Auth.constantTimeEquals([], Array("a".utf8)))
    }
}
