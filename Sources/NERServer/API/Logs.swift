#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NERCore

/// One JSON line per request on stderr. It holds sizes, never content: no text, no header values
/// (so no keys), no query strings.
enum AccessLog {
    struct Entry {
        let method: String
        let route: String
        let status: Int
        let milliseconds: Double
        /// Code points of the request's texts (0 where there are none).
        let characters: Int
        /// The client went away (or the connection failed) before the answer was complete.
        let aborted: Bool
    }

    static func line(_ e: Entry) -> String {
        var out = "{\"ts\": \"\(timestamp())\", \"method\": "
        JSONWriter.appendString(bounded(e.method), to: &out)
        out += ", \"route\": "
        JSONWriter.appendString(e.route, to: &out)
        out += ", \"status\": \(e.status), \"ms\": \((e.milliseconds * 1000).rounded() / 1000), \"chars\": \(e.characters)"
        if e.aborted { out += ", \"aborted\": true" }
        return out + "}\n"
    }

    /// Longest method written as sent. The client chooses the method (any token: an 8 KB one fits
    /// in a request line), so a longer one is cut, keeping a log line's size bounded.
    static let maxMethodBytes = 24

    static func bounded(_ method: String) -> String {
        guard method.utf8.count > maxMethodBytes else { return method }
        return String(decoding: method.utf8.prefix(maxMethodBytes), as: UTF8.self) + "..."
    }

    /// One `write(2)` per line, so lines from different threads never interleave.
    static func emit(_ e: Entry) {
        var s = line(e)
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    /// UTC, milliseconds: `2025-01-31T12:34:56.789Z`.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = tm()
        var seconds = ts.tv_sec
        gmtime_r(&seconds, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(t.tm_year + 1900)-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

/// Server events other than requests, as JSON lines on stderr beside the access log.
enum EventLog {
    static func line(_ fields: [String: String]) -> String {
        var out = "{\"ts\": \"\(AccessLog.timestamp())\""
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            out += ", "
            JSONWriter.appendString(key, to: &out)
            out += ": "
            JSONWriter.appendString(value, to: &out)
        }
        return out + "}\n"
    }

    static func emit(_ fields: [String: String]) {
        var s = line(fields)
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
