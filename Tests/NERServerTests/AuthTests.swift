import Foundation
import Testing

/// With keys configured, every API route refuses requests without a valid key (401, before the
/// body is even read), and the key shows up in no answer and no log line, wherever a client puts it.
@Suite(.serialized) struct AuthTests {
    static let key = "sk-zhner-Secret-42q7"

    @Test func everyAPIRouteNeedsAKey() throws {
        let server = try ServerProcess(["--api-key", Self.key])
        let body = Texts.json(["text": Texts.sentence])
        for route in ["/v1/entities", "/v1/entities/batch", "/v1/entities/stream", "/metrics"] {
            let method = route == "/metrics" ? "GET" : "POST"
            let wrong = [nil, "Bearer ", "Bearer \(Self.key.dropLast())", "Bearer \(Self.key) extra", "Token \(Self.key)",
                         "Bearer \(Self.key.uppercased())", "Bearer \(Self.key)\u{7F}"]
            for auth in wrong {
                let r = try server.request(method, route, headers: ["Content-Type": "application/json"].merging(auth.map { ["Authorization": $0] } ?? [:]) { $1 },
                                           body: method == "POST" ? Data(body.utf8) : nil)
                // A control byte makes the header line itself malformed: refused before any key check.
                let malformed = auth?.last == "\u{7F}"
                #expect(r.status == (malformed ? 400 : 401), "\(route) \(auth ?? "none")")
                #expect(r.errorCode == (malformed ? "malformed_header" : "unauthorized"))
                #expect(!r.text.contains(Self.key))
            }
        }
        // Refused before the body: a 20 MB upload without a key is a 401, not a 413.
        let big = try RawHTTP(port: server.port)
        try big.send("POST", "/v1/entities", headers: ["Content-Type": "application/json", "Content-Length": "\(20 << 20)"])
        #expect(try big.response().status == 401)
        // Health and the spec stay open to probes without keys.
        for route in ["/healthz", "/readyz", "/openapi.json", "/"] { #expect(try server.request("GET", route).status == 200) }
    }

    @Test func keysNeverAppearInAnswersOrLogs() throws {
        let server = try ServerProcess(["--api-key", Self.key])
        let good = ["Authorization": "Bearer \(Self.key)"]
        var answers: [HTTPResult] = []
        // The key where it does not belong: query, path, other headers, a huge header.
        answers.append(try server.request("GET", "/v1/entities?api_key=\(Self.key)"))
        answers.append(try server.request("POST", "/v1/entities?key=\(Self.key)", headers: ["Content-Type": "application/json"], body: Data("{}".utf8)))
        answers.append(try server.request("GET", "/\(Self.key)"))
        answers.append(try server.request("POST", "/v1/entities", headers: ["X-Api-Key": Self.key, "Content-Type": "application/json"], body: Data("{}".utf8)))
        answers.append(try server.request("GET", "/healthz", headers: ["Authorization": "Bearer \(Self.key)" + String(repeating: "x", count: 100_000)]))
        // Valid key, failing requests: errors of every kind.
        answers.append(try server.post("/v1/entities", json: "{\"text\": 1}", headers: good))
        answers.append(try server.post("/v1/entities", json: "{\"text\": \"a\", \"types\": [\"X\"]}", headers: good))
        answers.append(try server.request("POST", "/v1/entities", headers: good.merging(["Content-Type": "text/plain"]) { $1 }, body: Data("x".utf8)))
        answers.append(try server.request("PUT", "/v1/entities", headers: good))
        answers.append(try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence]), headers: good))
        for r in answers {
            #expect(!r.text.contains(Self.key))
            #expect(!r.headers.values.contains { $0.contains(Self.key) })
        }
        #expect(answers.last?.status == 200)
        #expect(server.terminate() == 0)
        #expect(!server.stderr.isEmpty)
        #expect(!server.stderr.contains(Self.key))
        #expect(!server.stderr.contains("Secret"))
    }
}
