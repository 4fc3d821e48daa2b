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
        try poll { openSockets(server.process.processIdentifier) >= baseline + cap }
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

    /// A byte every 0.2 s is never silent long enough for the connection timeout; the request
    /// timeout closes it, in the headers and in the body alike.
    @Test func tricklingClientsAreClosedAtTheRequestTimeout() throws {
        let server = try ServerProcess(["--request-timeout-s", "2", "--connection-timeout-s", "60"])
        let body = Texts.json(["text": Texts.long])
        let requests = [
            "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Padding: " + String(repeating: "x", count: 2000) + "\r\n\r\n",
            "POST /v1/entities HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body,
        ]
        for (i, request) in requests.enumerated() {
            let client = try RawHTTP(port: server.port)
            let bytes = Array(request.utf8)
            // The body case sends its headers at once, then trickles.
            var sent = i == 1 ? request.utf8.count - body.utf8.count : 0
            if sent > 0 { try client.sendAll(Data(bytes[0..<sent])) }
            // 60 bytes take 12 s, far past the 2 s bound, and the request stays incomplete.
            let stop = sent + 60
            while sent < stop, !client.closedByPeer {
                try client.sendAll(Data([bytes[sent]]))
                sent += 1
                usleep(200_000)
            }
            #expect(client.closedByPeer, "case \(i): still open after 12 s of trickling")
            #expect(try server.request("GET", "/healthz").status == 200)
        }
        // A request sent at once is unaffected.
        #expect(try server.post("/v1/entities", json: body).status == 200)
    }

    @Test func oneAddressOverItsLimitIsRefusedWhileAnotherIsServed() throws {
        let server = try ServerProcess(["--max-connections-per-client", "2", "--connection-timeout-s", "60"])
        let baseline = openSockets(server.process.processIdentifier)
        var held = try (0..<2).map { _ in try holder(server.port) }
        try poll { openSockets(server.process.processIdentifier) >= baseline + 2 }

        // A third from 127.0.0.1 is closed unanswered; 127.0.0.2 is served.
        let over = try RawHTTP(port: server.port)
        try over.send("GET", "/healthz")
        #expect(try over.receiveAll().isEmpty, "a third connection from one address was served")
        let other = try RawHTTP(port: server.port, source: 0x7F00_0002)
        try other.send("GET", "/healthz")
        #expect(try other.response().status == 200)

        // A place freed is the address's again.
        held.removeLast()
        try poll { openSockets(server.process.processIdentifier) <= baseline + 1 }
        #expect(try server.request("GET", "/healthz").status == 200)
        #expect(held.count == 1)
    }
}
