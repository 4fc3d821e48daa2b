/// Strict HTTP/1.1 framing (RFC 9110, RFC 9112), checked on the header lines libmicrohttpd parsed,
/// before anything else looks at the request.
///
/// libmicrohttpd 0.9.75 (Debian 12) is lenient where leniency lets a proxy in front and this server
/// disagree on where a request ends, which is how requests are smuggled: it keeps whitespace before
/// the colon in the name (`Content-Length : 33` is then no length at all), joins folded lines onto
/// the name, reads only the first of repeated headers, and treats any `Transfer-Encoding` other than
/// exactly `chunked` as "read until the connection closes". Its one strictness option,
/// `MHD_OPTION_STRICT_FOR_CLIENT`, covers either a missing `Host` (at 1) or whitespace before the
/// colon (at -1), never both, and nothing else here. A line starting with a colon even ends the
/// header block early, the rest being read as a second request. So zhner checks the parsed lines itself; it
/// parses no HTTP of its own. Every refusal is 400 with `Connection: close`: after a request whose
/// end is in doubt, nothing more on that connection can be trusted.
enum RequestFraming {
    /// The header block as libmicrohttpd split it (`Exchange.headerBlock`).
    struct Head {
        var lines: [Line] = []
        /// Bytes from the end of the last line's value to the end of the block: its line end and
        /// the blank line's, 2 to 4 (LF or CRLF each); more when a nameless line ended the block.
        var afterLastLine = 0
        /// A line starts further after the previous value than a line end accounts for: a NUL byte
        /// cut that value short (only lines after the first obs-fold are unreliable here, and
        /// obs-fold is refused first).
        var cutValue = false
    }

    /// One header line as libmicrohttpd split it.
    struct Line {
        let name: [UInt8]
        let value: [UInt8]
        /// Joined from an obs-fold continuation line (see `Exchange.headerBlock`).
        let folded: Bool

        func isNamed(_ other: String) -> Bool {
            name.count == other.utf8.count && zip(name, other.utf8).allSatisfy { $0 | 0x20 == $1 | 0x20 }
        }
    }

    /// The refusal for a request whose framing is malformed or ambiguous; nil for a sound one.
    static func check(_ head: Head, version: String) -> APIError? {
        let lines = head.lines
        if lines.contains(where: \.folded) {
            return refuse("malformed_header", "a header line starts with whitespace (obs-fold); send each header on one line")
        }
        if head.cutValue {
            return refuse("malformed_header", "a header value holds a NUL byte")
        }
        if head.afterLastLine > 4 {
            // Either leaves the same mark after the last value (see `Exchange.headerBlock`).
            return refuse("malformed_header", "a header line has no name (it starts with the colon), or the last header's value holds a NUL byte")
        }
        if lines.contains(where: { !isToken($0.name) }) {
            return refuse("malformed_header", "a header name is empty or holds whitespace or a separator (whitespace before the colon?)")
        }
        if lines.contains(where: { $0.value.contains(where: isForbiddenInValue) }) {
            return refuse("malformed_header", "a header value holds a control character")
        }
        // RFC 9112 §3.2: HTTP/1.1 requires one; libmicrohttpd takes any later 1.x for 1.1.
        let hosts = lines.filter { $0.isNamed("Host") }.count
        if hosts > 1 || (hosts == 0 && version != "HTTP/1.0") {
            return refuse("bad_host", "send exactly one Host header")
        }
        let codings = lines.filter { $0.isNamed("Transfer-Encoding") }
        // libmicrohttpd decodes exactly `chunked` (any case) and nothing else; whatever it would not
        // decode has no end it could find.
        if !codings.isEmpty, codings.count > 1 || String(decoding: codings[0].value, as: UTF8.self).lowercased() != "chunked" {
            return refuse("bad_transfer_encoding", "the only Transfer-Encoding accepted is one \"Transfer-Encoding: chunked\"")
        }
        let lengths = Set(lines.filter { $0.isNamed("Content-Length") }.map(\.value))
        if lengths.count > 1 || (!lengths.isEmpty && !codings.isEmpty) {
            return refuse("ambiguous_length", "send one Content-Length, or Transfer-Encoding: chunked, not both or several")
        }
        return nil
    }

    private static func refuse(_ code: String, _ message: String) -> APIError {
        APIError(status: 400, code: code, message: message, headers: [("Connection", "close")])
    }

    /// RFC 9110 §5.6.2: a field name is one or more `tchar`.
    private static func isToken(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || tokenSymbols.contains(b)
        }
    }

    private static let tokenSymbols = Set("!#$%&'*+-.^_`|~".utf8)

    /// RFC 9110 §5.5: CR, LF and NUL must be refused; the other controls (except tab) are refused too,
    /// as nothing legitimate sends them. Bytes from 0x80 (obs-text) pass.
    private static func isForbiddenInValue(_ b: UInt8) -> Bool {
        (b < 0x20 && b != 0x09) || b == 0x7F
    }
}
