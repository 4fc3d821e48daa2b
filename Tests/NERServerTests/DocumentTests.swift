#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZhnerTestSupport
import Testing

/// Documents: a `text/plain` body on the /stream routes, spooled to a file and recognised a part
/// at a time (docs/API.md, "Documents").
@Suite(.serialized) struct DocumentTests {
    static let personal = ["张伟的电话是13812345678，邮箱zhangwei@example.com。", "身份证号110101199003074578。"]

    /// Longer than three parts of 32,768 code points: sentences, lines, and personal data.
    static let document: String = {
        var lines: [String] = []
        var n = 0
        var i = 0
        while n < 100_000 {
            let line = Texts.sentences[i % Texts.sentences.count] + Texts.sentences[(i + 1) % Texts.sentences.count]
                + (i % 3 == 0 ? personal[i % 2] : "")
            lines.append(line)
            n += line.unicodeScalars.count + 1
            i += 1
        }
        return lines.joined(separator: "\n")
    }()

    static func plain(_ options: String? = nil) -> [String: String] {
        var headers = ["Content-Type": "text/plain; charset=utf-8"]
        if let options { headers["Zhner-Options"] = options }
        return headers
    }

    static func lines(_ r: HTTPResult) throws -> [[String: Any]] {
        try r.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// The document's stream is the JSON body's stream of the same text: the same entities, scores
    /// and offsets, the same redaction. With the default model, which reads the whole text (its
    /// corpus detector and score calibration), as well as with the tiny one.
    @Test(arguments: [("tiny", "/v1/entities/stream"), ("tiny", "/v1/redact/stream"), ("default", "/v1/entities/stream")])
    func documentStreamIsTheTextsStream(_ model: String, _ route: String) throws {
        let server = try ServerProcess(["--max-body-bytes", "\(4 << 20)", "--max-text-chars", "1000000"],
                                       model: model == "tiny" ? Zhner.tinyModel : Zhner.defaultModel)
        let redact = route == "/v1/redact/stream"
        let options: [String: Any] = redact ? ["operators": ["PER": ["type": "pseudonym"]], "include_originals": true] : ["patterns": "pii"]
        var body = options
        body["text"] = Self.document
        let json = try Self.lines(try server.post(route, json: Texts.json(body)))
        let doc = try server.request("POST", route, headers: Self.plain(Texts.json(options)), body: Data(Self.document.utf8))
        #expect(doc.status == 200 && doc.headers["content-type"] == "application/x-ndjson", "\(doc.text.prefix(300))")
        let lines = try Self.lines(doc)
        let key = redact ? "items" : "entities"
        let found = lines.dropLast().flatMap { $0[key] as! [Any] }
        #expect(found.count > 1000)
        #expect(Texts.canonical(found) == Texts.canonical(json.dropLast().flatMap { $0[key] as! [Any] }))
        if redact {
            #expect(lines.dropLast().map { $0["text"] as! String }.joined() == json.dropLast().map { $0["text"] as! String }.joined())
        }
        let total = Self.document.unicodeScalars.count
        #expect(lines.dropLast().last?["processed"] as? Int == total && lines.first?["total"] as? Int == total)
        #expect(lines.last?["done"] as? Bool == true && lines.last?["entities_total"] as? Int == found.count)
        #expect(server.terminate() == 0)
    }

    /// A document short enough for one part runs as the same text in a JSON body does: whole when
    /// it fits the model's window, not sentence by sentence (which gave other spans and scores:
    /// 深圳市龙岗区 one LOC instead of two, 上海 0.87 instead of 0.74). Texts of several sentences,
    /// with and without a final line break, over and under the tiny model's 38-token window.
    @Test(arguments: ["tiny", "default"])
    func shortDocumentIsTheTextsStream(_ model: String) throws {
        let server = try ServerProcess(model: model == "tiny" ? Zhner.tinyModel : Zhner.defaultModel)
        let samples = try String(contentsOfFile: Zhner.repository + "/docs/samples.txt", encoding: .utf8)
        let texts = ["联合国秘书长访问上海。张伟在北京工作。", "张伟在北京工作。\n", "张伟在北京工作。",
                     samples.split(separator: "\n").prefix(2).joined(separator: "\n"), String(samples.prefix(400))]
        for (route, options) in [("/v1/entities/stream", ["patterns": "pii"]), ("/v1/redact/stream", ["include_originals": true])] {
            for text in texts {
                var body: [String: Any] = options
                body["text"] = text
                let json = try Self.lines(try server.post(route, json: Texts.json(body)))
                let doc = try Self.lines(try server.request("POST", route, headers: Self.plain(Texts.json(options)), body: Data(text.utf8)))
                // The summaries differ only in took_ms.
                #expect(Texts.canonical(Array(doc.dropLast())) == Texts.canonical(Array(json.dropLast())), "\(route) \(text.prefix(40))")
                #expect(doc.count == json.count)
            }
        }
    }

    /// What a document may not be, and what it may: each refusal is JSON naming what to change.
    @Test func documentLimitsAndErrors() throws {
        let server = try ServerProcess(["--max-document-bytes", "1000", "--max-body-bytes", "100"])
        func post(_ bytes: [UInt8], to route: String = "/v1/entities/stream", headers: [String: String] = Self.plain()) throws -> HTTPResult {
            try server.request("POST", route, headers: headers, body: Data(bytes))
        }
        let bomMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        // A byte order mark is not part of the text; offsets count from after it.
        let bom = try Self.lines(try post(bomMark + Array("张伟在北京工作。".utf8)))
        #expect((bom[0]["entities"] as! [[String: Any]]).first?["start"] as? Int == 0 && bom[0]["total"] as? Int == 8)
        // Not UTF-8: the offset of the first bad byte (after 3 + 6 good ones).
        let badBytes: [UInt8] = bomMark + Array("张伟".utf8) + [0xFF] + Array("北京".utf8)
        let bad = try post(badBytes)
        #expect(bad.status == 400 && bad.errorCode == "invalid_utf8" && bad.text.contains("byte 9"), "\(bad.text)")
        // Empty: the empty text's one line, then the summary.
        let empty = try Self.lines(try post([]))
        #expect(empty.count == 2 && empty[0]["total"] as? Int == 0 && empty[1]["done"] as? Bool == true)
        // Over --max-body-bytes (100) but within --max-document-bytes (1000): a document's limit is its own.
        let exact = Array(String(repeating: "北", count: 333).utf8) + [0x0A]
        #expect(exact.count == 1000)
        #expect(try post(exact).status == 200)
        let over = try post(exact + [0x0A])
        #expect(over.status == 413 && over.errorCode == "document_too_large" && over.text.contains("1000"))
        // Chunked, with no length declared, is refused once it passes the limit.
        let raw = try RawHTTP(port: server.port)
        let chunk = Array(String(repeating: "京", count: 200).utf8)
        var request = Array("POST /v1/redact/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
        for _ in 0..<2 { request += Array("\(String(chunk.count, radix: 16))\r\n".utf8) + chunk + Array("\r\n".utf8) }
        request += Array("0\r\n\r\n".utf8)
        try raw.sendAll(Data(request))
        let chunked = try raw.response()
        #expect(chunked.status == 413 && chunked.errorCode == "document_too_large")
        // Options: the body's fields but the text, as strictly checked, named as the header.
        for (options, code) in [("{\"text\": \"a\"}", "unknown_field"), ("{\"types\": [\"PER\"],}", "invalid_json"),
                                ("[1]", "wrong_type"), ("{\"operators\": {\"PER\": {\"type\": \"x\"}}}", "unknown_operator")] {
            let r = try post(Array("张伟。".utf8), to: "/v1/redact/stream", headers: Self.plain(options))
            #expect(r.status == 400 && r.errorCode == code, "\(options): \(r.text)")
            #expect(r.text.contains("Zhner-Options"), "\(r.text)")
        }
        // What libmicrohttpd would read only the first of, what the header's bytes hold, where it
        // does not apply, and compressed bodies (found by a hostile pass: the first of two option
        // headers won silently, bad bytes became U+FFFD, a gzip body was read as text).
        func upload(_ head: [UInt8], _ body: [UInt8] = Array("张伟。".utf8)) throws -> HTTPResult {
            let c = try RawHTTP(port: server.port)
            try c.sendAll(Data(Array("POST /v1/redact/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".utf8) + head
                               + Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body))
            return try c.response()
        }
        let plain = Array("Content-Type: text/plain\r\n".utf8)
        let twice = try upload(plain + Array("Zhner-Options: {\"types\": [\"PER\"]}\r\nZhner-Options: {}\r\n".utf8))
        #expect(twice.status == 400 && twice.errorCode == "duplicate_header" && twice.text.contains("Zhner-Options"), "\(twice.text)")
        let twoTypes = try upload(plain + Array("Content-Type: application/json\r\n".utf8))
        #expect(twoTypes.status == 400 && twoTypes.errorCode == "duplicate_header" && twoTypes.text.contains("Content-Type"))
        let badBytesInOptions = try upload(plain + Array("Zhner-Options: {\"operators\": {\"default\": {\"type\": \"replace\", \"template\": \"<".utf8)
                                        + [0xFF, 0xFE] + Array(">\"}}}\r\n".utf8))
        #expect(badBytesInOptions.status == 400 && badBytesInOptions.errorCode == "invalid_utf8"
                && badBytesInOptions.text.contains("Zhner-Options"), "\(badBytesInOptions.text)")
        let gzip = try upload(plain + Array("Content-Encoding: gzip\r\n".utf8), [0x1F, 0x8B, 0x08])
        #expect(gzip.status == 415 && gzip.errorCode == "unsupported_content_encoding" && gzip.headers["accept-encoding"] == "identity")
        #expect(try upload(plain + Array("Content-Encoding: identity\r\n".utf8)).status == 200)
        for (route, type) in [("/v1/redact/stream", "application/json"), ("/v1/redact", "application/json")] {
            let misplaced = try server.request("POST", route, headers: ["Content-Type": type, "Zhner-Options": "{}"],
                                               body: Data(Texts.json(["text": "张伟。"]).utf8))
            #expect(misplaced.status == 400 && misplaced.errorCode == "misplaced_options", "\(route): \(misplaced.text)")
        }
        // Refused from the headers, before the document is sent: no `100 Continue` for it.
        let early = try RawHTTP(port: server.port)
        try early.sendAll(Data(("POST /v1/redact/stream HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\n"
                                + "Zhner-Options: {\"types\": 3}\r\nContent-Length: 1000\r\n\r\n").utf8))
        let refused = String(decoding: try early.receiveAll(), as: UTF8.self)
        #expect(refused.hasPrefix("HTTP/1.1 400 ") && refused.contains("wrong_type") && refused.contains("Zhner-Options"), "\(refused)")
        let redactOnly = try post(Array("张伟。".utf8), headers: Self.plain("{\"operators\": {}}"))
        #expect(redactOnly.status == 400 && redactOnly.errorCode == "unknown_field")
        // Other charsets, and the routes that answer whole, are 415s that say what is taken.
        let gb = try post([0xD5, 0xC5], headers: ["Content-Type": "text/plain; charset=gb18030"])
        #expect(gb.status == 415 && gb.text.contains("text/plain; charset=utf-8"))
        let whole = try post(Array("张伟。".utf8), to: "/v1/redact")
        #expect(whole.status == 415 && !whole.text.contains("text/plain"))
        #expect(server.terminate() == 0)
    }

    /// Documents in flight are capped (`--max-documents`, by default every worker but one), so that
    /// documents, which may keep a worker for minutes, leave one to short requests: past the cap a
    /// document is 503 `documents_busy` at once, while JSON requests are answered; the place is
    /// given back when the document's exchange completes.
    @Test func documentsAreCapped() throws {
        let server = try ServerProcess(["--workers", "2"])
        let text = Array("张伟在北京工作。".utf8)
        // The first holds its place from its headers: half its body sent, the rest later.
        let first = try RawHTTP(port: server.port)
        try first.sendAll(Data(Array("POST /v1/entities/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: \(text.count)\r\n\r\n".utf8) + text.prefix(6)))
        try poll { try metric(server, "zhner_http_inflight_requests") == 2 }
        let busy = try server.request("POST", "/v1/entities/stream", headers: Self.plain(), body: Data(text))
        #expect(busy.status == 503 && busy.errorCode == "documents_busy" && busy.headers["retry-after"] == "1", "\(busy.text)")
        #expect(try server.post("/v1/entities", json: Texts.json(["text": "张伟在北京工作。"])).status == 200)
        try first.sendAll(Data(text.dropFirst(6)))
        let answer = try Self.lines(try first.response())
        #expect(answer.last?["done"] as? Bool == true && answer.first?["total"] as? Int == 8)
        #expect(try server.request("POST", "/v1/entities/stream", headers: Self.plain(), body: Data(text)).status == 200)

        // --max-documents 2: both at once.
        let two = try ServerProcess(["--workers", "2", "--max-documents", "2"])
        let held = try RawHTTP(port: two.port)
        try held.sendAll(Data(Array("POST /v1/entities/stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: \(text.count)\r\n\r\n".utf8) + text.prefix(6)))
        try poll { try metric(two, "zhner_http_inflight_requests") == 2 }
        #expect(try two.request("POST", "/v1/entities/stream", headers: Self.plain(), body: Data(text)).status == 200)
        try held.sendAll(Data(text.dropFirst(6)))
        #expect(try held.response().status == 200)
    }

    /// A document with no sentence end is cut every 32,768 code points: its entities are the JSON
    /// body's, but for those at a cut, and it is streamed whole.
    @Test func unbrokenDocument() throws {
        let server = try ServerProcess(["--max-body-bytes", "\(1 << 20)", "--max-text-chars", "100000"])
        let text = String(repeating: "张伟在北京和上海工作", count: 8_000)
        let json = try Self.lines(try server.post("/v1/entities/stream", json: Texts.json(["text": text])))
        let doc = try Self.lines(try server.request("POST", "/v1/entities/stream", headers: Self.plain(), body: Data(text.utf8)))
        #expect(doc.dropLast().last?["processed"] as? Int == 80_000)
        func away(_ entities: [[String: Any]]) -> [[String: Any]] {
            // Entities touching a cut (crossing it, or ending or starting there) may differ.
            entities.filter { e in ![32_768, 65_536].contains { ((e["start"] as! Int)...(e["end"] as! Int)).contains($0) } }
        }
        let found = doc.dropLast().flatMap { $0["entities"] as! [[String: Any]] }
        let expected = json.dropLast().flatMap { $0["entities"] as! [[String: Any]] }
        #expect(found.count > 10_000)
        #expect(Texts.canonical(away(found)) == Texts.canonical(away(expected)))
        #expect(server.terminate() == 0)
    }

    /// A spool directory that cannot hold files stops the server at start, saying which.
    @Test func unusableSpoolDirectory() throws {
        #expect(throws: ServerProcess.StartFailure.self) { try ServerProcess(["--spool-dir", "/nonexistent-zhner-spool"]) }
        do {
            _ = try ServerProcess(["--spool-dir", "/nonexistent-zhner-spool"])
        } catch let failure as ServerProcess.StartFailure {
            #expect(failure.status == 2 && failure.stderr.contains("spool-dir /nonexistent-zhner-spool"), "\(failure)")
        }
    }

    /// A document larger than the memory budget leaves it: its text is on disk and a part at a time
    /// in memory, so the peak stays under a --max-memory that the same text as JSON does not fit.
    @Test func documentStaysInTheBudget() throws {
        let probe = try ServerProcess(["--workers", "1", "--max-memory", "none"])
        let afterLoad = try MemoryBudgetTests.statusKB(probe.process.processIdentifier, "VmRSS") * 1024
        _ = probe.terminate()
        // After load, the fixed headroom (16 MiB + 4 per worker) and 12 MiB: one part's charge
        // (≈ 10 MiB) fits, a 3 MB body's (4× while it is decoded) does not.
        let limit = afterLoad + (20 << 20) + (12 << 20)
        let server = try ServerProcess(["--workers", "1", "--max-memory", "\(limit)", "--max-body-bytes", "\(4 << 20)",
                                        "--max-text-chars", "4000000", "--max-document-bytes", "\(4 << 20)", "--deadline-ms", "600000"])
        let line = "北京和上海。\n"
        let text = String(repeating: line, count: 3_200_000 / line.utf8.count)
        #expect(text.utf8.count > 3_100_000)
        let json = try server.post("/v1/entities/stream", json: Texts.json(["text": text]))
        #expect(json.status == 413 && json.errorCode == "over_memory_budget", "\(json.text.prefix(200))")
        let doc = try server.request("POST", "/v1/entities/stream", headers: Self.plain(), body: Data(text.utf8))
        #expect(doc.status == 200)
        let lines = try Self.lines(doc)
        #expect(lines.dropLast().last?["processed"] as? Int == text.unicodeScalars.count)
        #expect(lines.last?["entities_total"] as? Int == lines.dropLast().reduce(0) { $0 + ($1["entities"] as! [Any]).count })
        let peak = try MemoryBudgetTests.statusKB(server.process.processIdentifier, "VmHWM") * 1024
        #expect(peak < limit, "peak RSS \(peak >> 20) MiB over --max-memory \(limit >> 20) MiB")
        #expect(server.terminate() == 0)
    }
}
