import Foundation
import Testing

/// Far more load than one worker can serve: every request is answered 200 or 503 with Retry-After,
/// none is dropped, and the server is healthy afterwards. (The 60-second version with latency and
/// memory figures is `make stress`; tests assert no timings.)
@Suite(.serialized) struct OverloadTests {
    @Test func overloadGets200Or503WithRetryAfter() throws {
        let server = try ServerProcess(["--workers", "1", "--queue", "4"])
        let body = Data(Texts.json(["text": Texts.long]).utf8)
        // 24 clients without pause against one worker and four queue places.
        let clients = LoadClients(count: 24, port: server.port, body: body)
        // Sustained (150 admitted, about 10 s here) and bounded by answers, not by time, so a slow
        // machine runs it as long as it needs.
        while clients.results.statusCounts[200, default: 0] < 150, server.process.isRunning { usleep(50_000) }
        let outcomes = clients.stop()

        #expect(server.process.isRunning, "\(server.fate)")
        #expect(outcomes.unanswered.isEmpty, "\(outcomes.unanswered.prefix(5))")
        let counts = outcomes.statusCounts
        #expect(counts[200, default: 0] > 0 && counts[503, default: 0] > 0, "\(counts)")
        expectOnly200Or503(outcomes, code: "queue_full")
        #expect(try metric(server, "zhner_queue_rejected_total") == Double(counts[503, default: 0]))
        #expect(try server.request("GET", "/healthz").status == 200)
        #expect(try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence])).status == 200)
        #expect(server.terminate() == 0)
    }
}
