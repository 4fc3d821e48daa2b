import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An answer as it came over the wire.
struct HTTPResult {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    /// The body, with chunked framing removed.
    let body: Data
    /// Whether it came with `Transfer-Encoding: chunked`.
    var chunked: Bool { headers["transfer-encoding"]?.lowercased() == "chunked" }
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw RawHTTP.Failure("not a JSON object: \(text.prefix(200))")
        }
        return object
    }

    /// `{"error": {"code": ...}}`'s code.
    var errorCode: String? {
        ((try? json())?["error"] as? [String: Any])?["code"] as? String
    }
}

/// A minimal HTTP/1.1 client over a blocking socket, so the tests see exactly what the server
/// sends (status, headers, chunking) and can send what a library would refuse to (bad bytes, no
/// content type). One request per connection (`Connection: close`), read to the end.
final class RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    private let fd: Int32

    /// `receiveBuffer` (bytes) shrinks the socket's receive buffer before connecting, so that a
    /// client that does not read stalls the server's writes quickly. `source` (an IPv4 address in
    /// host order, e.g. 127.0.0.2) is the client's own address, so that tests can be two clients.
    init(port: Int, receiveBuffer: Int32? = nil, source: UInt32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = source.bigEndian
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Failure("bind to the source address: errno \(errno)") }
        }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        // A generous bound so that a server bug fails the test instead of hanging it.
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        // No close here: `fd` is set, so a throw from here on still runs deinit, which closes it.
        // Closing it here too closed it twice, and under load the second close hit another client
        // thread's fresh socket that had reused the number (EBADF, "closed without an answer").
        guard rc == 0 else { throw Failure("connect to port \(port): errno \(errno)") }
    }

    deinit { close(fd) }

    static func request(port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) throws -> HTTPResult {
        let c = try RawHTTP(port: port)
        try c.send(method, path, headers: headers, body: body)
        return try c.response()
    }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if let body, headers["Transfer-Encoding"] == nil { head += "Content-Length: \(body.count)\r\n" }
        var bytes = Data((head + "\r\n").utf8)
        if let body { bytes.append(body) }
        try sendAll(bytes)
    }

    /// Bytes as they are: for chunked uploads built by the caller.
    func sendAll(_ bytes: Data) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            // The server may answer and close before reading an oversized body; the answer is
            // still there to read.
            if n < 0 { return }
            sent += n
        }
    }

    /// Ends the request side (a half-close): the server sees end of input, the answer can still come.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Up to `max` bytes already received, without waiting; 0 when none are there (or the
    /// connection is closed).
    func receiveAvailable(max: Int) -> Int {
        var buffer = [UInt8](repeating: 0, count: max)
        return Swift.max(0, recv(fd, &buffer, max, Int32(MSG_DONTWAIT)))
    }

    /// Whether the server has closed the connection (end of input or a reset), without waiting and
    /// without consuming anything.
    var closedByPeer: Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return n == 0 || (n < 0 && errno == ECONNRESET)
    }

    /// Reads to the end of the connection and parses the answer.
    func response() throws -> HTTPResult { try Self.parse(receiveAll()) }

    /// Every byte until the server closes (nothing, when it closes without answering).
    func receiveAll() throws -> Data {
        var raw = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 || (n < 0 && errno == ECONNRESET) { break }
            guard n > 0 else { throw Failure("recv: errno \(errno) after \(raw.count) bytes") }
            raw.append(contentsOf: buffer[0..<n])
        }
        return raw
    }

    static func parse(_ raw: Data) throws -> HTTPResult {
        let bytes = [UInt8](raw)
        var headerEnd: Int?
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 {
                let head = String(decoding: bytes[0..<i], as: UTF8.self)
                // 100 Continue is an interim answer: the real one follows.
                if head.hasPrefix("HTTP/1.1 100") {
                    i += 4
                    return try parse(Data(bytes[i...]))
                }
                headerEnd = i
                break
            }
            i += 1
        }
        guard let headerEnd else { throw Failure("no complete header in \(bytes.count) bytes") }
        let lines = String(decoding: bytes[0..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Array(bytes[(headerEnd + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return HTTPResult(status: status, headers: headers, body: Data(body))
    }

    /// `size-in-hex CRLF data CRLF` ... `0 CRLF CRLF`.
    private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while true {
            guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                throw Failure("truncated chunked body")
            }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw Failure("bad chunk size \(sizeText)") }
            if size == 0 { return out }
            let start = lineEnd + 2
            guard start + size + 2 <= bytes.count else { throw Failure("truncated chunk") }
            out += bytes[start..<(start + size)]
            i = start + size + 2
        }
    }
}
