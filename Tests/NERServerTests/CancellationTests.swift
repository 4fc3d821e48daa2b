#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Clients that hang up before their answer: their work stops at the next piece or forward run (or
/// never starts), their places free up, and they are counted as cancelled and logged 499.
@Suite(.serialized) struct CancellationTests {
    /// About `characters` code points of sentences: many stream pieces and forward runs.
    static func longText(_ characters: Int) -> String {
        String(repeating: Texts.long, count: characters / Texts.long.count + 1)
    }

    static let json = ["Content-Type": "application/json"]

    @Test func abandonedStreamsStopAndFreeTheirPlaces() throws {
        let server = try ServerProcess(["--workers", "1", "--stream-piece-tokens", "64"])
        let text = Self.longText(90_000)
        let body = Data(Texts.json(["text": text]).utf8)
        // The first stream runs (its first line is in) when its client hangs up; three more hang up
        // while they wait for the worker.
        // (Held only by `clients`, so that emptying it closes them.)
        var clients = [try RawHTTP(port: server.port)]
        try clients[0].send("POST", "/v1/entities/stream", headers: Self.json, body: body)
        try poll { clients[0].receiveAvailable(max: 1) > 0 }
        for _ in 0..<3 {
            clients.append(try RawHTTP(port: server.port))
            try clients.last!.send("POST", "/v1/entities/stream", headers: Self.json, body: body)
        }
        try poll { try metric(server, "zhner_http_inflight_requests") == 5 }
        clients.removeAll()

        // Only the first stream ran, and only until its client was found gone.
        try expectAllCancelled(server, count: 4, route: "/v1/entities/stream", computedUnder: text.unicodeScalars.count / 2)
    }

    /// One text far over the batch budget runs piece by piece, and stops between pieces.
    @Test func abandonedLongTextStopsBetweenPieces() throws {
        let server = try ServerProcess(["--workers", "1"])
        let text = Self.longText(90_000)
        var clients = [try RawHTTP(port: server.port)]
        try clients[0].send("POST", "/v1/entities", headers: Self.json, body: Data(Texts.json(["text": text]).utf8))
        try poll { try metric(server, "zhner_characters_processed_total") != 0 }
        clients.removeAll()

        // (That piecewise entities equal the CLI's is `APITests.entitiesAreTheCLIs`, whose
        // `Texts.long` is over the budget too.)
        try expectAllCancelled(server, count: 1, route: "/v1/entities", computedUnder: text.unicodeScalars.count / 2)
    }

    @Test func abandonedBatchStopsBetweenForwardRuns() throws {
        let server = try ServerProcess(["--workers", "1"])
        let texts = Array(repeating: Texts.long, count: 200)
        let total = texts.joined().unicodeScalars.count
        let body = Data(Texts.json(["texts": texts]).utf8)
        var clients = [try RawHTTP(port: server.port)]
        try clients[0].send("POST", "/v1/entities/batch", headers: Self.json, body: body)
        try poll { try metric(server, "zhner_characters_processed_total") != 0 }
        // A second one waits behind it.
        clients.append(try RawHTTP(port: server.port))
        try clients[1].send("POST", "/v1/entities/batch", headers: Self.json, body: body)
        try poll { try metric(server, "zhner_http_inflight_requests") == 3 }
        clients.removeAll()

        try expectAllCancelled(server, count: 2, route: "/v1/entities/batch", computedUnder: total / 2)
    }

    /// A stream whose client reads nothing waits once 256 KiB of its lines are unsent
    /// (`Exchange.write`), then goes on as the client reads and ends whole; one whose client hangs
    /// up while it waits stops there, counted cancelled. (`python3 -m stress.red_team BINARY --only
    /// slow_readers` measures what the wait costs: it sleeps until the client reads.)
    @Test func streamsWaitForTheirReaders() throws {
        // Every character an entity: ≈ 4 MB of lines for 60,000 characters.
        let lexicon = try ScratchFile("jing.tsv", contents: "京\tLOC\n")
        defer { lexicon.remove() }
        let server = try ServerProcess(["--workers", "2", "--lexicon", lexicon.path])
        let characters = 60_000
        let body = Data(Texts.json(["text": String(repeating: "京", count: characters)]).utf8)
        let reader = try RawHTTP(port: server.port, receiveBuffer: 4096)
        var leaver: RawHTTP? = try RawHTTP(port: server.port, receiveBuffer: 4096)
        try reader.send("POST", "/v1/entities/stream", headers: Self.json, body: body)
        try leaver?.send("POST", "/v1/entities/stream", headers: Self.json, body: body)

        // Both compute until their clients fall behind, then wait: the count stops short of both texts.
        var last = -1.0
        try poll {
            let now = try metric(server, "zhner_characters_processed_total") ?? 0
            defer { last = now }
            usleep(300_000)
            return now > 0 && now == last
        }
        #expect(last > 0 && last < Double(2 * characters), "\(last) characters computed for clients that read nothing")

        leaver = nil
        try poll { try metric(server, #"zhner_requests_cancelled_total{reason="client_gone"}"#) == 1 }
        let answer = try reader.response()
        #expect(answer.status == 200)
        let lines = answer.text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.last?["done"] as? Bool == true)
        #expect(lines.reduce(0) { $0 + (($1["entities"] as? [Any])?.count ?? 0) } == characters)
        try poll { try metric(server, "zhner_http_inflight_requests") == 1 }
        #expect(try metric(server, #"zhner_requests_cancelled_total{reason="client_gone"}"#) == 1)
        #expect(try metric(server, "zhner_http_inflight_requests") == 1)
    }

    /// Waits (bounded) for the server to hold nothing but the metrics request, then checks that the
    /// `count` requests on `route` were counted cancelled and logged 499, none as answered, that
    /// fewer than `computedUnder` characters were computed, and that the server still answers.
    private func expectAllCancelled(_ server: ServerProcess, count: Int, route: String, computedUnder limit: Int,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let cancelled = #"zhner_requests_cancelled_total{reason="client_gone"}"#
        try poll { try metric(server, "zhner_http_inflight_requests") == 1 && metric(server, cancelled) == Double(count) }
        #expect(try metric(server, "zhner_http_inflight_requests") == 1, "requests still held for clients that are gone", sourceLocation: sourceLocation)
        #expect(try metric(server, cancelled) == Double(count), sourceLocation: sourceLocation)
        #expect(try metric(server, "zhner_queue_depth") == 0, sourceLocation: sourceLocation)
        let records = server.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["route"] as? String == route }
        #expect(records.count == count, sourceLocation: sourceLocation)
        #expect(records.allSatisfy { $0["status"] as? Int == 499 && $0["aborted"] as? Bool == true }, "\(records)",
                sourceLocation: sourceLocation)
        let m = try server.request("GET", "/metrics").text
        #expect(m.contains("zhner_http_requests_total{route=\"\(route)\",status=\"499\"} \(count)"), sourceLocation: sourceLocation)
        #expect(!m.contains("zhner_http_requests_total{route=\"\(route)\",status=\"200\"}"), sourceLocation: sourceLocation)
        let processed = try #require(try metric(server, "zhner_characters_processed_total"), sourceLocation: sourceLocation)
        #expect(processed < Double(limit), "\(processed) characters computed for clients that were gone", sourceLocation: sourceLocation)
        #expect(try server.post(route, json: Texts.json(route.hasSuffix("batch") ? ["texts": Texts.sentences] : ["text": Texts.long])).status == 200,
                sourceLocation: sourceLocation)
    }
}
