import Foundation
import Testing

/// Clients that send slowly or not at all: they time out (connection-timeout-s) without holding a
/// worker, other clients are served meanwhile, and max-connections bounds how many are held.
@Suite(.serialized) struct SlowClientTests {
    @Test func slowAndIdleClientsTimeOutWithoutBlockingWorkers() throws {
        let server = try ServerProcess(["--workers", "1", "--connection-timeout-s", "2", "--max-connections", "8"])
        let slowHeader = try RawHTTP(port: server.port)
        try slowHeader.sendAll(Data("POST /v1/entities HTTP/1.1\r\nHost: a\r\nContent-Ty".utf8))
        let slowBody = try RawHTTP(port: server.port)
        try slowBody.sendAll(Data("POST /v1/entities HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\": ".utf8))
        let keepAlive = try RawHTTP(port: server.port)
        try keepAlive.sendAll(Data("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".utf8))

        // The single worker still serves everyone else while those three hang.
        for _ in 0..<5 {
            let r = try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence]))
            #expect(r.status == 200)
        }
        // Each stalled connection is closed by the server (the client's own read timeout, 120 s,
        // would throw instead): the slow ones without an answer, the idle one after its 200.
        #expect(try slowHeader.receiveAll().isEmpty)
        #expect(try slowBody.receiveAll().isEmpty)
        let idle = try RawHTTP.parse(try keepAlive.receiveAll())
        #expect(idle.status == 200)
        #expect(try metric(server, "zhner_http_inflight_requests") == 1)
        #expect(try server.request("GET", "/healthz").status == 200)
    }

    /// The deadline counts the wait for a worker, not the upload: a body sent over longer than
    /// deadline-ms to an idle server is answered 200, not 504.
    @Test func slowUploadIsNotCountedAgainstTheDeadline() throws {
        let server = try ServerProcess(["--workers", "1", "--deadline-ms", "1000"])
        let body = Data(Texts.json(["text": Texts.long]).utf8)
        let client = try RawHTTP(port: server.port)
        try client.sendAll(Data(("POST /v1/entities HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n").utf8))
        let pieces = 6
        let step = (body.count + pieces - 1) / pieces
        for start in stride(from: 0, to: body.count, by: step) {
            usleep(400_000)  // 6 × 0.4 s: the upload outlasts the 1 s deadline
            try client.sendAll(body[start..<min(start + step, body.count)])
        }
        let r = try client.response()
        #expect(r.status == 200, "\(r.text.prefix(200))")
        try expectEntities(r, sentBody: body, "slow upload")
    }

    /// Clients that send part of a body and hang up free their places at once, not at
    /// --request-timeout-s (libmicrohttpd alone missed the end of input when it came with the last
    /// bytes: `ReadDeadlines`). Eight clients hang up so behind --max-connections 2, then one more
    /// must be answered; the spooled documents' files go with their requests.
    @Test func hangUpMidBodyFreesThePlace() throws {
        let server = try ServerProcess(["--max-connections", "2", "--request-timeout-s", "600", "--connection-timeout-s", "600"])
        // One after another: libmicrohttpd noticed some hang-ups (often the first) and not others.
        for i in 0..<8 {
            let (type, route) = i % 2 == 0 ? ("application/json", "/v1/entities") : ("text/plain", "/v1/redact/stream")
            do {
                // Closed at once, so that the end of input arrives with the bytes.
                let c = try RawHTTP(port: server.port)
                try c.sendAll(Data(("POST \(route) HTTP/1.1\r\nHost: a\r\nContent-Type: \(type)\r\nContent-Length: 2000\r\n\r\n"
                    + String(repeating: "x", count: 1000)).utf8))
            }
            usleep(200_000)
        }
        let r = try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence]))
        #expect(r.status == 200)
        try poll { server.stderr.components(separatedBy: "\"aborted\": true").count == 9 }
        let fds = "/proc/\(server.process.processIdentifier)/fd"
        let spooled = try FileManager.default.contentsOfDirectory(atPath: fds).filter { fd in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fds)/\(fd)"))?.hasSuffix("(deleted)") == true
        }
        #expect(spooled.isEmpty, "spool files still open: \(spooled)")
        #expect(server.terminate() == 0)
    }

    @Test func connectionCapHolds() throws {
        let cap = 4
        let server = try ServerProcess(["--max-connections", "\(cap)", "--connection-timeout-s", "60"])
        let pid = server.process.processIdentifier
        let baseline = openSockets(pid)
        // Fill every place with a connection that sends half a request and waits.
        var held = try (0..<cap).map { _ in
            let c = try RawHTTP(port: server.port)
            try c.sendAll(Data("GET /healthz HTTP/1.1\r\nHo".utf8))
            return c
        }
        // More clients: the kernel queues their connections, the server does not take them.
        let extra = try (0..<6).map { _ in
            let c = try RawHTTP(port: server.port)
            try c.send("GET", "/healthz")
            return c
        }
        usleep(500_000)
        #expect(openSockets(pid) <= baseline + cap, "the server holds more than \(cap) connections")
        #expect(server.process.isRunning, "\(server.fate)")
        // Freed places go to the waiting clients, which are all answered.
        held.removeAll()  // closes them
        for c in extra { #expect(try c.response().status == 200) }
        #expect(try server.request("GET", "/healthz").status == 200)
    }
}
