#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Clients that hold connections cannot shut out the probes (`--probe-port`), and one address
/// cannot take every place (`--max-connections-per-client`).
@Suite(.serialized) struct ConnectionFairnessTests {
    /// A connection that sent half a request and waits: it holds a place until the timeout.
    private func holder(_ port: Int, source: UInt32? = nil) throws -> RawHTTP {
        let c = try RawHTTP(port: port, source: source)
        try c.sendAll(Data("GET /healthz HTTP/1.1\r\nHo".utf8))
        return c
    }

    @Test func probesAnsweredWhileEveryPlaceIsHeld() throws {
        let cap = 4
        let server = try ServerProcess(["--max-connections", "\(cap)", "--connection-timeout-s", "60", "--probe-port", "0"])
        let probePort = try #require(server.probePort)
        let baseline = openSockets(server.process.processIdentifier)
        var held = try (0..<cap).map { _ in try holder(server.port) }
        poll { openSockets(server.process.processIdentifier) >= baseline + cap }
        #expect(openSockets(server.process.processIdentifier) == baseline + cap, "the main listener's places are not all held")

        for path in ["/healthz", "/readyz"] {
            let r = try RawHTTP.request(port: probePort, "GET", path)
            #expect(r.status == 200, "\(path) on the probe port: \(r.text)")
        }
        // The probe port serves the probes only.
        #expect(try RawHTTP.request(port: probePort, "GET", "/metrics").status == 404)
        let post = try RawHTTP.request(port: probePort, "POST", "/v1/entities", headers: ["Content-Type": "application/json"],
                                       body: Data(Texts.json(["text": Texts.sentence]).utf8))
        #expect(post.status == 404)

        held.removeAll()
        #expect(try server.request("GET", "/healthz").status == 200)
        #expect(try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence])).status == 200)
    }

    @Test func oneAddressOverItsLimitIsRefusedWhileAnotherIsServed() throws {
        let server = try ServerProcess(["--max-connections-per-client", "2", "--connection-timeout-s", "60"])
        let baseline = openSockets(server.process.processIdentifier)
        var held = try (0..<2).map { _ in try holder(server.port) }
        poll { openSockets(server.process.processIdentifier) >= baseline + 2 }

        // A third from 127.0.0.1 is closed unanswered; 127.0.0.2 is served.
        let over = try RawHTTP(port: server.port)
        try over.send("GET", "/healthz")
        #expect(try over.receiveAll().isEmpty, "a third connection from one address was served")
        let other = try RawHTTP(port: server.port, source: 0x7F00_0002)
        try other.send("GET", "/healthz")
        #expect(try other.response().status == 200)

        // A place freed is the address's again.
        held.removeLast()
        poll { openSockets(server.process.processIdentifier) <= baseline + 1 }
        #expect(try server.request("GET", "/healthz").status == 200)
        #expect(held.count == 1)
    }
}
