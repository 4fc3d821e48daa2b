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
}
