import Foundation
import Testing

/// The bad-input matrix of docs/RELIABILITY.md: every hostile or odd request gets the right 4xx
/// with a JSON error (or, where the input is legal, a correct result), and the server keeps
/// answering /healthz after each one.
///
/// Answers that libmicrohttpd gives itself, before zhner sees the request (malformed framing,
/// oversized request line or headers), carry its status and a short HTML body: for those only
/// the status is checked (`code: nil`).
@Suite(.serialized) struct HostileInputTests {
    /// One JSON body posted to /v1/entities and what it must get: an error code, or 200 (`code: ""`).
    struct Body {
        let name: String
        let bytes: Data
        let status: Int
        let code: String

        init(_ name: String, _ bytes: Data, _ status: Int, _ code: String = "") {
            (self.name, self.bytes, self.status, self.code) = (name, bytes, status, code)
        }

        init(_ name: String, _ json: String, _ status: Int, _ code: String = "") {
            self.init(name, Data(json.utf8), status, code)
        }
    }

    static func text(_ s: String) -> String { Texts.json(["text": s]) }

    static let bodies: [Body] = [
        Body("empty body", "", 400, "invalid_json"),
        Body("empty text", text(""), 200),
        Body("whitespace only", text(" \t\r\n\u{3000}\u{00A0} "), 200),
        Body("invalid UTF-8", Data("{\"text\": \"北".utf8) + Data([0xFF, 0xC0, 0x80]) + Data("\"}".utf8), 400, "invalid_utf8"),
        Body("UTF-8 surrogate bytes", Data("{\"text\": \"".utf8) + Data([0xED, 0xA0, 0x80]) + Data("\"}".utf8), 400, "invalid_utf8"),
        Body("lone high surrogate escape", "{\"text\": \"北京\\ud800\"}", 400, "invalid_json"),
        Body("lone low surrogate escape", "{\"text\": \"\\udc00上海\"}", 400, "invalid_json"),
        Body("reversed surrogate pair", "{\"text\": \"\\ude00\\ud83d\"}", 400, "invalid_json"),
        Body("valid surrogate pair", "{\"text\": \"\\ud83d\\ude00张伟在北京\"}", 200),
        Body("escaped NUL", "{\"text\": \"\\u0000张伟\\u0000在北京工作。\"}", 200),
        Body("raw NUL in a string", Data("{\"text\": \"a".utf8) + Data([0]) + Data("b\"}".utf8), 400, "invalid_json"),
        Body("NUL after the object", Data(text("北京").utf8) + Data([0]), 400, "invalid_json"),
        // Valid UTF-8 byte by byte (ASCII text), but Foundation would decode them as UTF-16/32.
        Body("UTF-16LE body", text("Tim Cook in Beijing").data(using: .utf16LittleEndian)!, 400, "invalid_utf8"),
        Body("UTF-16BE body", text("Tim Cook in Beijing").data(using: .utf16BigEndian)!, 400, "invalid_utf8"),
        Body("UTF-32LE body", text("Tim Cook in Beijing").data(using: .utf32LittleEndian)!, 400, "invalid_utf8"),
        // RFC 8259 has no trailing commas; Foundation's parser accepts them.
        Body("trailing comma in the object", "{\"text\": \"a\",}", 400, "invalid_json"),
        Body("trailing comma in types", "{\"text\": \"a\", \"types\": [\"PER\", ]}", 400, "invalid_json"),
        Body("comma and brace inside a string", text("a,}b,]"), 200),
        // A name twice: Foundation keeps the last, a check or proxy may read the first.
        Body("text twice", "{\"text\": \"北京\", \"text\": \"张伟\"}", 400, "duplicate_name"),
        Body("text twice, once escaped", "{\"text\": \"北京\", \"\\u0074ext\": \"张伟\"}", 400, "duplicate_name"),
        Body("a name twice in a nested object", "{\"text\": \"a\", \"types\": [\"PER\"], \"patterns\": \"none\", \"types\": []}", 400, "duplicate_name"),
        Body("names as string values", "{\"text\": \"text\", \"types\": [\"PER\", \"LOC\"]}", 200),
        Body("100 000 nested arrays", "{\"text\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
             400, "invalid_json"),
        Body("50 000 nested objects", "{\"text\": \"a\", \"x\": " + String(repeating: "{\"a\": ", count: 50_000) + "1"
             + String(repeating: "}", count: 50_000) + "}", 400, "invalid_json"),
        Body("text is a number", "{\"text\": 12}", 400, "wrong_type"),
        Body("text is a boolean", "{\"text\": true}", 400, "wrong_type"),
        Body("text is an object", "{\"text\": {\"a\": \"b\"}}", 400, "wrong_type"),
        Body("body is an array", "[{\"text\": \"a\"}]", 400, "wrong_type"),
        Body("types is a string", "{\"text\": \"a\", \"types\": \"PER\"}", 400, "wrong_type"),
        Body("extra field", "{\"text\": \"a\", \"lang\": \"zh\"}", 400, "unknown_field"),
        Body("only emoji", text("😀😃🇨🇳👨‍👩‍👧‍👦🏳️‍🌈👍🏽"), 200),
        Body("mixed scripts", text("Tim Cook 在 北京 met Владимир and 김민수 at Université de Genève, 東京 😀 مرحبا"), 200),
        Body("1 MB body", text(String(repeating: "a", count: 1_000_000)), 413, "text_too_long"),
    ]

    @Test func jsonBodyMatrix() throws {
        let server = try ServerProcess()
        for c in Self.bodies {
            let r = try server.request("POST", "/v1/entities", headers: ["Content-Type": "application/json"], body: c.bytes)
            #expect(r.status == c.status, "\(c.name): \(r.text.prefix(200))")
            if c.code.isEmpty {
                try expectEntities(r, sentBody: c.bytes, c.name)
            } else {
                expectJSONError(r, c.code, c.name)
            }
            try expectAlive(server, after: c.name)
        }
    }

    @Test func millionRepeatsOfOneCharacter() throws {
        let body = Data(Self.text(String(repeating: "a", count: 1_000_000)).utf8)
        // Within raised limits a million characters run (one over-long word: one [UNK] token).
        let server = try ServerProcess(["--max-text-chars", "1000000", "--max-body-bytes", "2000000", "--deadline-ms", "600000"])
        let r = try server.request("POST", "/v1/entities", headers: ["Content-Type": "application/json"], body: body)
        #expect(r.status == 200)
        try expectEntities(r, sentBody: body, "a million a")
        try expectAlive(server, after: "a million a")
    }

    @Test func oversizedBodies() throws {
        let server = try ServerProcess()
        // Declared: refused from the headers, before any of the 20 MB is sent.
        let declared = try RawHTTP(port: server.port)
        try declared.send("POST", "/v1/entities", headers: ["Content-Type": "application/json", "Content-Length": "\(20 << 20)"])
        expectJSONError(try declared.response(), "body_too_large", "20 MB declared")
        try expectAlive(server, after: "20 MB declared")

        // Chunked: no length to refuse up front; all 20 MB is read and dropped, memory stays bounded.
        let chunked = try RawHTTP(port: server.port)
        var wire = Data("POST /v1/entities HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<20 { wire += Data("100000\r\n".utf8) + chunk + Data("\r\n".utf8) }
        wire += Data("0\r\n\r\n".utf8)
        try chunked.sendAll(wire)
        expectJSONError(try chunked.response(), "body_too_large", "20 MB chunked")
        try expectAlive(server, after: "20 MB chunked")
    }

    /// Requests whose framing lies or contradicts itself.
    @Test func framing() throws {
        let server = try ServerProcess()
        let head = "POST /v1/entities HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Type: application/json\r\n"
        let body = Self.text("张伟在北京工作。")
        let n = body.utf8.count
        let cases: [(name: String, wire: String, status: Int, code: String?)] = [
            ("Content-Length under the body", head + "Content-Length: \(n - 5)\r\n\r\n" + body, 400, "invalid_json"),
            ("two different Content-Lengths", head + "Content-Length: \(n)\r\nContent-Length: 3\r\n\r\n" + body, 400, "ambiguous_length"),
            ("Content-Length and chunked", head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + String(n, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n", 400, "ambiguous_length"),
            ("two equal Content-Lengths", head + "Content-Length: \(n)\r\nContent-Length: \(n)\r\n\r\n" + body, 200, ""),
            ("chunked body", head + "Transfer-Encoding: chunked\r\n\r\n5\r\n" + String(body.prefix(5)) + "\r\n"
                + String(n - 5, radix: 16) + "\r\n" + String(body.dropFirst(5)) + "\r\n0\r\n\r\n", 200, ""),
            ("Content-Length not a number", head + "Content-Length: ten\r\n\r\n" + body, 400, nil),
            ("negative Content-Length", head + "Content-Length: -1\r\n\r\n" + body, 400, nil),
            ("20-digit Content-Length", head + "Content-Length: 99999999999999999999\r\n\r\n" + body, 413, nil),
            ("bad chunk size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n", 400, nil),
        ]
        for c in cases {
            let client = try RawHTTP(port: server.port)
            try client.sendAll(Data(c.wire.utf8))
            let r = try client.response()
            #expect(r.status == c.status, "\(c.name): \(r.text.prefix(200))")
            if c.code == "" { try expectEntities(r, sentBody: Data(body.utf8), c.name) }
            if let code = c.code, !code.isEmpty { expectJSONError(r, code, c.name) }
            try expectAlive(server, after: c.name)
        }
        // A Content-Length over the body, then end of input: nothing to answer, nothing breaks.
        // libmicrohttpd keeps waiting for the rest until the connection times out (a short one here).
        let impatient = try ServerProcess(["--connection-timeout-s", "1"])
        let short = try RawHTTP(port: impatient.port)
        try short.sendAll(Data((head + "Content-Length: \(n + 100)\r\n\r\n" + body).utf8))
        short.finishSending()
        #expect(try short.receiveAll().isEmpty)
        try expectAlive(impatient, after: "Content-Length over the body")
    }

    /// Framing a proxy in front could read another way than libmicrohttpd does (RFC 9112 requires
    /// 400 for each). Sent keep-alive with a second request behind: that request must never be
    /// answered, and the server closes the connection after its 400 (the short timeout only makes
    /// the old behaviour, a connection left open, fail quickly).
    @Test func smugglingShapesAre400AndClose() throws {
        let server = try ServerProcess(["--connection-timeout-s", "2"])
        let smuggled = "GET /readyz HTTP/1.1\r\nHost: a\r\n\r\n"
        let n = smuggled.utf8.count
        let head = "POST /v1/entities HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
        let chunked = "\(String(n, radix: 16))\r\n\(smuggled)\r\n0\r\n\r\n"
        let cases: [(name: String, wire: String, code: String)] = [
            ("obs-fold Content-Length", head + "Content-Length:\r\n \(n)\r\n\r\n" + smuggled, "malformed_header"),
            ("obs-fold of another header", head + "Content-Length: \(n)\r\nX-A: b\r\n\tc\r\n\r\n" + smuggled, "malformed_header"),
            ("space before the colon", head + "Content-Length : \(n)\r\n\r\n" + smuggled, "malformed_header"),
            ("tab before the colon", head + "Content-Length\t: \(n)\r\n\r\n" + smuggled, "malformed_header"),
            ("first header line indented", "POST /v1/entities HTTP/1.1\r\n Host: a\r\nContent-Length: \(n)\r\n\r\n" + smuggled, "malformed_header"),
            ("control byte in a value", head + "Content-Length: \(n)\r\nX-A: a\u{01}b\r\n\r\n" + smuggled, "malformed_header"),
            // libmicrohttpd cuts a value at a NUL, dropping the rest of its line unseen.
            ("NUL in a value", head + "X-A: a\u{0}Content-Length: 0\r\nContent-Length: \(n)\r\n\r\n" + smuggled, "malformed_header"),
            ("NUL in the last value", head + "Content-Length: \(n)\r\nX-A: a\u{0}b\r\n\r\n" + smuggled, "malformed_header"),
            ("Transfer-Encoding: identity", head + "Transfer-Encoding: identity\r\n\r\n" + smuggled, "bad_transfer_encoding"),
            ("Transfer-Encoding: chunked, identity", head + "Transfer-Encoding: chunked, identity\r\n\r\n" + chunked, "bad_transfer_encoding"),
            ("Transfer-Encoding: gzip", head + "Transfer-Encoding: gzip\r\n\r\n" + smuggled, "bad_transfer_encoding"),
            ("Transfer-Encoding: chunked with a trailing space", head + "Transfer-Encoding: chunked \r\n\r\n" + chunked, "bad_transfer_encoding"),
            ("Transfer-Encoding twice", head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked, "bad_transfer_encoding"),
            // libmicrohttpd ends the header block at a line starting with a colon.
            ("header line without a name", "GET /healthz HTTP/1.1\r\nHost: a\r\n: x\r\n" + smuggled, "malformed_header"),
            ("two Host headers", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + smuggled, "bad_host"),
            ("HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\n\r\n" + smuggled, "bad_host"),
        ]
        for c in cases {
            let client = try RawHTTP(port: server.port)
            try client.sendAll(Data(c.wire.utf8))
            let raw = try client.receiveAll()
            let answers = String(decoding: raw, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").count - 1
            #expect(answers == 1, "\(c.name): \(answers) answers")
            guard !raw.isEmpty else { continue }
            let r = try RawHTTP.parse(raw)
            #expect(r.status == 400, "\(c.name): \(r.text.prefix(200))")
            #expect(r.headers["connection"] == "close", "\(c.name)")
            expectJSONError(r, c.code, c.name)
        }
        #expect(!server.stderr.contains("/readyz"), "a smuggled request was answered")
        // Sound requests these checks must not refuse: HTTP/1.0 without Host, bare LF line ends,
        // whitespace after a value, empty values (the NUL check measures the gaps between lines).
        for wire in ["GET /healthz HTTP/1.0\r\n\r\n", "GET /healthz HTTP/1.1\nHost: a\nConnection: close\n\n",
                     "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close \t \r\n\r\n",
                     "GET /healthz HTTP/1.1\r\nHost: a \t \r\nX-Empty:\r\nX-B:\t\r\nConnection: close\r\n\r\n",
                     "GET /healthz HTTP/1.1\nHost: a  \nX-Empty:\nConnection: close\n\n"] {
            let client = try RawHTTP(port: server.port)
            try client.sendAll(Data(wire.utf8))
            #expect(try client.response().status == 200, "\(wire.debugDescription)")
        }
        try expectAlive(server, after: "smuggling shapes")
    }

    /// The method is the client's choice of any length; the access log cuts it.
    @Test func longMethodIsCutInTheAccessLog() throws {
        let server = try ServerProcess()
        let method = String(repeating: "A", count: 8192)
        let r = try server.request(method, "/healthz")
        #expect(r.status == 405)
        try expectAlive(server, after: "an 8 KB method")
        let line = try #require(server.stderr.split(separator: "\n").first { $0.contains("\"status\": 405") })
        #expect(line.utf8.count < 300, "\(line.prefix(300))")
        #expect(line.contains("\"method\": \"AAAAAAAAAAAAAAAAAAAAAAAA...\""))
    }

    @Test func methodsRoutesAndHeaders() throws {
        let server = try ServerProcess()
        let cases: [(name: String, wire: String, status: Int, code: String?)] = [
            ("unknown method", "BREW /v1/entities HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 405, "method_not_allowed"),
            ("GET on a POST route", "GET /v1/entities/batch HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 405, "method_not_allowed"),
            ("DELETE on the page", "DELETE / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 405, "method_not_allowed"),
            ("unknown route", "GET /admin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404, "not_found"),
            ("dot segments", "GET /../../etc/passwd HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404, "not_found"),
            // Once unescaped, the NUL would cut the path to a real route (bug fixed: left escaped).
            ("percent-encoded NUL", "POST /v1/entities%00 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404, "not_found"),
            ("percent-encoded NUL, GET", "GET /metrics%00.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404, "not_found"),
            ("percent-encoded route", "GET /heal%74hz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 200, nil),
            ("trailing slash", "POST /v1/entities/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 404, "not_found"),
            ("100 KB path", "GET /" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 414, nil),
            ("100 KB header", "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX-Big: " + String(repeating: "b", count: 100_000)
                + "\r\n\r\n", 431, nil),
            ("5000 headers", "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n" + (0..<5000).map { "X-\($0): v\r\n" }.joined()
                + "\r\n", 431, nil),
        ]
        for c in cases {
            let client = try RawHTTP(port: server.port)
            try client.sendAll(Data(c.wire.utf8))
            let r = try client.response()
            #expect(r.status == c.status, "\(c.name): \(r.text.prefix(200))")
            if let code = c.code { expectJSONError(r, code, c.name) }
            try expectAlive(server, after: c.name)
        }
        // Not HTTP at all (a TLS hello): closed without an answer.
        let tls = try RawHTTP(port: server.port)
        try tls.sendAll(Data([0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03] + Array("\r\n\r\n".utf8)))
        let answer = try tls.receiveAll()
        #expect(answer.isEmpty || String(decoding: answer.prefix(12), as: UTF8.self).hasPrefix("HTTP/1.1 4"))
        try expectAlive(server, after: "TLS hello")
    }
}

/// `{"error": {"code": code, "message": "..."}}` with a 4xx status.
func expectJSONError(_ r: HTTPResult, _ code: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((400..<500).contains(r.status), "\(name): status \(r.status)", sourceLocation: sourceLocation)
    #expect(r.headers["content-type"] == "application/json", "\(name)", sourceLocation: sourceLocation)
    #expect(r.errorCode == code, "\(name): \(r.text.prefix(200))", sourceLocation: sourceLocation)
    let message = ((try? r.json())?["error"] as? [String: Any])?["message"] as? String
    #expect(message?.isEmpty == false, "\(name)", sourceLocation: sourceLocation)
}

/// A 200 whose entities lie inside the posted text, in order, each with the text's own slice.
func expectEntities(_ r: HTTPResult, sentBody: Data, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(r.status == 200, "\(name)", sourceLocation: sourceLocation)
    guard r.status == 200 else { return }
    let sent = try JSONSerialization.jsonObject(with: sentBody) as? [String: Any]
    let scalars = Array(((sent?["text"] as? String) ?? "").unicodeScalars)
    let entities = try #require(try r.json()["entities"] as? [[String: Any]], "\(name)", sourceLocation: sourceLocation)
    var previousEnd = 0
    for e in entities {
        let start = try #require(e["start"] as? Int, sourceLocation: sourceLocation)
        let end = try #require(e["end"] as? Int, sourceLocation: sourceLocation)
        #expect(previousEnd <= start && start < end && end <= scalars.count, "\(name): \(start)..<\(end)", sourceLocation: sourceLocation)
        guard previousEnd <= start, start < end, end <= scalars.count else { return }
        var slice = ""
        slice.unicodeScalars.append(contentsOf: scalars[start..<end])
        #expect(e["text"] as? String == slice, "\(name)", sourceLocation: sourceLocation)
        previousEnd = end
    }
}

/// The process runs and answers its health probe.
func expectAlive(_ server: ServerProcess, after name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(server.process.isRunning, "died after \(name): \(server.fate)", sourceLocation: sourceLocation)
    #expect(try server.request("GET", "/healthz").status == 200, "not healthy after \(name)", sourceLocation: sourceLocation)
}
