#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The socket address to listen on, resolved once from `--host` and `--port`.
struct ListenAddress: Sendable {
    let host: String
    let port: Int
    /// A `sockaddr_in` or `sockaddr_in6`, as bytes.
    let storage: [UInt8]
    let isIPv6: Bool

    init(host: String, port: Int) throws(ServerError) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .config("cannot resolve host \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        self.host = host
        self.port = port
        isIPv6 = first.pointee.ai_family == AF_INET6
        storage = Array(UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
    }

    /// 127.0.0.0/8 and ::1 (also as ::ffff:127.x): only this machine can connect.
    var isLoopback: Bool {
        storage.withUnsafeBytes { raw in
            if isIPv6 {
                let a = raw.load(as: sockaddr_in6.self).sin6_addr
                let bytes = withUnsafeBytes(of: a) { Array($0) }
                let mappedV4 = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
                return bytes == [UInt8](repeating: 0, count: 15) + [1] || (mappedV4 && bytes[12] == 127)
            }
            let a = raw.load(as: sockaddr_in.self).sin_addr
            return UInt32(bigEndian: a.s_addr) >> 24 == 127
        }
    }

    /// The URL clients use, with the port actually bound.
    func url(port bound: Int) -> String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "http://\(h):\(bound)/"
    }
}
