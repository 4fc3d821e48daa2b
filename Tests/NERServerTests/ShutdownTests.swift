#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// SIGTERM in the middle of sustained load: every request the server admitted is answered 200,
/// later ones are refused (connection refused, or 503 shutting_down on a connection it had already
/// accepted), and the process exits 0.
@Suite(.serialized) struct ShutdownTests {
    @Test func sigtermUnderLoadFinishesAdmittedRequests() throws {
        let server = try ServerProcess(["--workers", "1", "--queue", "64"])
        let body = Data(Texts.json(["text": Texts.long]).utf8)
        let clients = LoadClients(count: 12, port: server.port, body: body, stopOnRefusal: true)
        // Load first: some answered and the queue holding more.
        while clients.answered < 20 { usleep(20_000) }
        server.process.terminate()
        let outcomes = clients.join()
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)

        let counts = outcomes.statusCounts
        expectOnly200Or503(outcomes, code: "shutting_down")
        // The access log has a line per admitted request: all 200 and none cut short, and each of
        // those answers reached its client.
        let records = server.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["route"] as? String == "/v1/entities" }
        #expect(records.allSatisfy { $0["aborted"] == nil }, "a request was cut short")
        #expect(records.filter { $0["status"] as? Int == 200 }.count == counts[200, default: 0])
        #expect(Set(records.compactMap { $0["status"] as? Int }).isSubset(of: [200, 503]))
        // Requests met after shutdown began were never admitted (the kernel's backlog is reset when
        // the listening socket closes); none of them counts as answered.
        #expect(outcomes.contains(.refused))
        #expect(throws: RawHTTP.Failure.self) { try RawHTTP(port: server.port) }
    }

    /// Clients that would hold a drain open for as long as they like.
    enum SlowClient: String, CaseIterable, CustomTestStringConvertible {
        /// An upload at a byte per tick: never idle long enough for the connection timeout.
        case tricklingUpload
        /// Pipelined requests for the page's 33 KB script, never reading: the server's writes stall.
        case neverReads
        /// The same, reading a little per tick: the writes crawl.
        case slowReader

        var testDescription: String { rawValue }

        func connect(port: Int) throws -> RawHTTP {
            switch self {
            case .tricklingUpload:
                let c = try RawHTTP(port: port)
                try c.sendAll(Data(("POST /v1/entities HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{").utf8))
                return c
            case .neverReads, .slowReader:
                let c = try RawHTTP(port: port, receiveBuffer: 4096)
                try c.sendAll(Data(String(repeating: "GET /app.js HTTP/1.1\r\nHost: a\r\n\r\n", count: 200).utf8))
                return c
            }
        }

        /// What the client does each tick while the server drains.
        func tick(_ c: RawHTTP) throws {
            switch self {
            case .tricklingUpload: try c.sendAll(Data(" ".utf8))
            case .neverReads: break
            case .slowReader: _ = c.receiveAvailable(max: 512)
            }
        }
    }

    /// SIGTERM with a slow client in the middle of a request: the process waits --shutdown-grace-s
    /// for it, then closes its connection, logs that, and exits 0. (The connection timeout, 60 s
    /// here, would otherwise be the only bound, and for the trickle not even that.)
    @Test(arguments: SlowClient.allCases) func sigtermExitsAfterGraceUnderSlowClient(_ shape: SlowClient) throws {
        let grace = 2
        let server = try ServerProcess(["--shutdown-grace-s", "\(grace)", "--connection-timeout-s", "60"])
        let client = try shape.connect(port: server.port)
        // In flight: the slow request, plus the metrics request asking.
        var inflight = 0.0
        for _ in 0..<100 where inflight < 2 {
            try shape.tick(client)
            inflight = try metric(server, "zhner_http_inflight_requests") ?? 0
            usleep(100_000)
        }
        #expect(inflight >= 2, "the slow request was never in flight")

        server.process.terminate()
        // A bound on the shutdown itself, far above the grace period, so that a drain that never
        // ends fails here instead of hanging the suite.
        let limit = Date().addingTimeInterval(Double(grace + 10))
        while server.process.isRunning, Date() < limit {
            try shape.tick(client)
            usleep(200_000)
        }
        let exited = !server.process.isRunning
        if !exited { kill(server.process.processIdentifier, SIGKILL) }
        server.process.waitUntilExit()
        #expect(exited, "still draining \(grace + 10) s after SIGTERM")
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        #expect(server.stderr.contains("\"event\": \"shutdown_grace_expired\""))
        #expect(server.stderr.contains("\"aborted\": true"), "the request cut short is not logged")
    }

    /// Past the grace period with requests still waiting for (or streaming from) a busy worker:
    /// their connections are suspended, which libmicrohttpd cannot close (it aborts instead); they
    /// are resumed and closed, and the process exits 0.
    @Test func sigtermExitsAfterGraceWithRequestsWaitingForAWorker() throws {
        let server = try ServerProcess(["--workers", "1", "--shutdown-grace-s", "1", "--max-text-chars", "1000000",
                                        "--max-body-bytes", "4000000", "--deadline-ms", "600000"])
        let body = Data(Texts.json(["text": String(repeating: "京", count: 300_000)]).utf8)
        let clients = try ["/v1/entities", "/v1/entities/stream", "/v1/entities", "/v1/entities/stream"].map { path in
            let c = try RawHTTP(port: server.port)
            try c.send("POST", path, headers: ["Content-Type": "application/json"], body: body)
            return c
        }
        // All four in (the metrics request is the fifth), one running.
        try poll { try metric(server, "zhner_http_inflight_requests") == 5 && metric(server, "zhner_workers_busy") == 1 }
        #expect(server.terminate() == 0)
        #expect(server.process.terminationReason == .exit)
        #expect(server.stderr.contains("\"closed_requests\": \"4\""))
        // Each connection was closed (what, if anything, came before the close does not matter).
        for c in clients { _ = try c.receiveAll() }
    }
}
