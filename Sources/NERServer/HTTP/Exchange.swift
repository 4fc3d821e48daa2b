#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMicroHTTPD
import Dispatch
import Synchronization

/// One request and its answer: a whole response, or a stream of chunks (chunked encoding).
///
/// Answers may come from any thread. The connection is suspended while nothing is ready and
/// resumed by the thread that makes something ready; `Outbox` (under a lock) holds what is ready
/// and whether the connection is suspended, so a resume is never lost and never sent twice.
final class Exchange: @unchecked Sendable {
    let method: String
    let path: String
    /// `HTTP/1.1` or `HTTP/1.0`, as the request line said.
    let version: String
    /// It came to the `--probe-port` listener.
    let probesOnly: Bool
    /// Address just past the header block in libmicrohttpd's read buffer (see `headerBlock`); an
    /// address only, never read through.
    private let headerBlockEnd: Int
    /// Monotonic nanoseconds when its headers were in: durations count from here.
    let arrival = MonotonicClock.now()
    private let connection: OpaquePointer
    /// The connection's socket, only peeked at (`clientGone`), and only while the connection is open.
    private let socket: Int32

    /// The handler's own state for this request (the API's `RequestContext`), set when the headers
    /// are in, before any other thread sees the exchange; the HTTP core never reads it.
    var context: AnyObject?

    // Touched only on the polling thread (the handler's callbacks), so unguarded.
    /// Added to whatever answer this exchange gets (CORS).
    var extraHeaders: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []
    private(set) var bodyExceeded = false

    /// The body, handed over once: the exchange keeps no copy while its decoded request waits for a
    /// worker (with 1 MiB bodies that was ≈ 1 MB per queued request).
    func takeBody() -> [UInt8] {
        defer { body = [] }
        return body
    }
    /// The handler has had its say (`bodyReceived`, or an answer from `headersReceived`).
    var handled = false
    private(set) var status = 0
    var isAnswered: Bool { status != 0 }

    private struct Outbox {
        enum Ready { case response(HTTPResponse), stream(HTTPResponse) }
        var ready: Ready?
        var suspended = false
        var closed = false
        var chunks: [UInt8] = []
        var chunksRead = 0
        var ended = false
        /// `abandon`: the connection is to be closed, never suspended again.
        var abandoned = false
        /// Writes the rest of the body when `chunks` runs dry (`respond(_:producing:)`).
        var producer: (any BodyProducer)?
        /// `write` waits on `drained` for the client to take its unsent bytes.
        var writerWaiting = false
    }
    private let outbox = Mutex(Outbox())
    /// Signalled (once per wait) when a waiting `write` may go on: its client took enough, or its
    /// connection closed or was abandoned.
    private let drained = DispatchSemaphore(value: 0)

    /// `method` is libmicrohttpd's, which starts the request line in its read buffer.
    init(connection: OpaquePointer, method: UnsafePointer<CChar>, path: String, version: String, probesOnly: Bool) {
        self.connection = connection
        self.probesOnly = probesOnly
        self.method = String(cString: method)
        self.path = path
        self.version = version
        socket = zhner_mhd_socket(connection)
        headerBlockEnd = Int(bitPattern: method) + zhner_mhd_header_size(connection)
    }

    /// A request header; only on the polling thread, while the handler's callbacks run.
    func header(_ name: String) -> String? {
        MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
    }

    /// The request's header block as libmicrohttpd split it, for `RequestFraming`.
    ///
    /// Two malformations leave no mark in the names and values libmicrohttpd 0.9.75 keeps, only in
    /// where they lie in its read buffer, where each header is split in place (name, NUL where the
    /// colon was, optional whitespace, value, line end):
    /// - an obs-fold continuation line (one starting with whitespace) is joined onto the previous
    ///   header's *name* (`Content-Length:` + ` 33` becomes a header `Content-Length33` with an
    ///   empty value), and that joined name is copied to a new allocation past the buffer, so the
    ///   name lies after its value;
    /// - a line starting with a colon has its first byte overwritten with the NUL, then looks like
    ///   the blank line that ends the block: the block ends there, unseen, and the bytes after it
    ///   are read as the next request. The block then ends further after the last value than the
    ///   line ends (two to four bytes) account for;
    /// - a NUL byte in a value ends the value there, the rest of the line dropped unseen
    ///   (`X-A: 1\0xyz` reads as `X-A: 1`): the next line then starts further after that value
    ///   than its line end (one or two bytes) accounts for. (Trailing whitespace stays in the value.)
    func headerBlock() -> RequestFraming.Head {
        final class Found { var head = RequestFraming.Head() }
        let found = Found()
        withExtendedLifetime(found) {
            _ = MHD_get_connection_values_n(connection, .HEADER_KIND, { cls, _, key, keySize, value, valueSize in
                guard let cls, let key, let value else { return .YES }
                let name = UnsafeRawBufferPointer(start: key, count: keySize)
                let text = UnsafeRawBufferPointer(start: value, count: valueSize)
                let found = Unmanaged<Found>.fromOpaque(cls).takeUnretainedValue()
                if !found.head.lines.isEmpty, Int(bitPattern: key) - found.head.afterLastLine > 2 { found.head.cutValue = true }
                found.head.lines.append(RequestFraming.Line(name: Array(name), value: Array(text),
                    folded: Int(bitPattern: value) - Int(bitPattern: key) - keySize - 1 < 0))
                found.head.afterLastLine = Int(bitPattern: value) + valueSize
                return .YES
            }, Unmanaged.passUnretained(found).toOpaque())
        }
        if !found.head.lines.isEmpty { found.head.afterLastLine = headerBlockEnd - found.head.afterLastLine }
        return found.head
    }

    /// Whether the request declares a body (a length over 0, or chunks).
    var hasBody: Bool {
        if let length = header("Content-Length") { return length != "0" }
        return header("Transfer-Encoding") != nil
    }

    /// The whole answer, from any thread.
    func respond(_ response: HTTPResponse) { update { $0.ready = .response(response) } }

    /// Starts a chunked answer with `head`'s status and headers; `write` adds to it, `end` ends it.
    func beginStream(_ head: HTTPResponse) { update { $0.ready = .stream(head) } }

    /// A chunked answer with `head`'s status and headers whose body `producer` writes as the
    /// client reads, so that a large answer is never held whole.
    func respond(_ head: HTTPResponse, producing producer: any BodyProducer) {
        update { o in
            o.ready = .stream(head)
            o.producer = producer
        }
    }

    /// Bytes of a stream not yet taken by its client at which `write` waits for it.
    static let unsentStreamLimit = 256 << 10

    /// Adds to a stream. A client reading slower than the model computes makes the caller wait
    /// here, so that unsent lines stay about `unsentStreamLimit` (which the memory budget charges)
    /// instead of growing to the whole answer; a client that stops reading is closed by its
    /// connection timeout, and `clientGone` then ends the wait.
    ///
    /// The wait sleeps until `read` has sent enough, or the connection closes (`drained`); it wakes
    /// every `hangUpCheck` besides, to peek whether a client that stopped reading has also hung up.
    /// (It polled every 2 ms before: 500 wake-ups a second per slow reader, each with a syscall.)
    func write(_ text: String) {
        update { $0.chunks.append(contentsOf: text.utf8) }
        while outbox.withLock({ o in
            o.writerWaiting = !(o.closed || o.abandoned) && o.chunks.count - o.chunksRead > Self.unsentStreamLimit
            return o.writerWaiting
        }), !clientGone {
            _ = drained.wait(timeout: .now() + Self.hangUpCheck)
        }
    }

    /// How often a `write` waiting for its reader checks whether the client hung up.
    static let hangUpCheck = DispatchTimeInterval.milliseconds(250)

    /// Lets a waiting `write` go on; under the lock.
    private func wakeWriter(_ o: inout Outbox) {
        guard o.writerWaiting else { return }
        o.writerWaiting = false
        drained.signal()
    }

    func end() { update { $0.ended = true } }

    /// Makes something ready and resumes the connection if it was suspended waiting for it.
    private func update(_ change: (inout Outbox) -> Void) {
        outbox.withLock { o in
            // A client that went away gets nothing more; its connection is gone.
            guard !o.closed else { return }
            change(&o)
            resumeIfSuspended(&o)
        }
    }

    /// Called under the lock, so that once `abandon` has run no resume is still on its way: every
    /// connection is then either resumed or never to be suspended again, as `MHD_stop_daemon`
    /// requires. (libmicrohttpd calls no callback while holding its own lock, so this cannot deadlock.)
    private func resumeIfSuspended(_ o: inout Outbox) {
        guard o.suspended else { return }
        o.suspended = false
        MHD_resume_connection(connection)
    }

    /// Whether the client is gone, so that work for it can stop: its connection closed (after a
    /// failed write, a timeout or `abandon`), or its socket reads end of input or fails. The socket
    /// matters while the connection is suspended (waiting for a worker or a stream's next line):
    /// libmicrohttpd does not watch a suspended connection, so a client that hung up then would
    /// otherwise be noticed only when its whole answer was written. A peek consumes nothing; a
    /// pipelined request behind this one reads as data, so as present. A client that half-closes
    /// after its request counts as gone, as nginx treats it (its 499).
    var clientGone: Bool {
        outbox.withLock { o in
            // Under the lock `closed` is still false, so libmicrohttpd has not closed the socket
            // yet (it does so after the completed callback, which takes this lock): the number is
            // still this connection's.
            if o.closed || o.abandoned { return true }
            guard socket >= 0 else { return false }
            var byte: UInt8 = 0
            let n = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        }
    }

    /// The exchange gets no more time: the polling thread closes its connection at its next call
    /// (a suspended one is resumed for that), and `MHD_stop_daemon` closes the others. For the
    /// end of a drain, and for a request whose client is gone (`clientGone`).
    func abandon() {
        outbox.withLock { o in
            // A closed connection is libmicrohttpd's to free: nothing to resume.
            guard !o.closed else { return }
            o.abandoned = true
            wakeWriter(&o)
            resumeIfSuspended(&o)
        }
    }

    /// Where the body goes instead of `body`, when the handler chose a file for it (`BodySpool`).
    var spool: BodySpool?

    func appendBody(_ bytes: UnsafeRawBufferPointer, limit: Int) {
        if let spool { return spool.append(bytes) }
        guard !bodyExceeded else { return }
        guard body.count + bytes.count <= limit else {
            // Past the limit the rest is read and dropped, so memory stays at the limit.
            bodyExceeded = true
            body = []
            return
        }
        if body.isEmpty, let length = header("Content-Length").flatMap(Int.init) { body.reserveCapacity(min(length, limit)) }
        body.append(contentsOf: bytes)
    }

    /// Queues what is ready, or suspends the connection until something is.
    func queuePendingOrSuspend() -> MHD_Result {
        enum Next { case send(Outbox.Ready), wait, close }
        let next = outbox.withLock { o -> Next in
            if o.abandoned { return .close }
            if let r = o.ready {
                o.ready = nil
                return .send(r)
            }
            MHD_suspend_connection(connection)
            o.suspended = true
            return .wait
        }
        switch next {
        case .send(.response(let r)): return queue(r)
        case .send(.stream(let head)): return queueStream(head)
        case .wait: return .YES
        case .close: return .NO
        }
    }

    func queue(_ r: HTTPResponse) -> MHD_Result {
        body = []
        let response = r.body.withUnsafeBytes { raw in
            MHD_create_response_from_buffer(raw.count, UnsafeMutableRawPointer(mutating: raw.baseAddress), .RESPMEM_MUST_COPY)
        }
        return send(response, head: r)
    }

    private func queueStream(_ head: HTTPResponse) -> MHD_Result {
        body = []
        // The response holds a reference to the exchange until libmicrohttpd frees it.
        let response = MHD_create_response_from_callback(zhner_mhd_size_unknown, 16 * 1024, readCallback,
                                                         Unmanaged.passRetained(self).toOpaque(), releaseCallback)
        return send(response, head: head)
    }

    private func send(_ response: OpaquePointer?, head: HTTPResponse) -> MHD_Result {
        guard let response else { return .NO }
        for (name, value) in head.headers + extraHeaders { MHD_add_response_header(response, name, value) }
        status = head.status
        let result = MHD_queue_response(connection, UInt32(head.status), response)
        MHD_destroy_response(response)
        return result
    }

    /// The next bytes of a stream; with none ready yet, suspends until `write` or `end` resumes.
    func read(into buffer: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        outbox.withLock { o -> Int in
            if o.abandoned { return zhner_mhd_end_with_error }
            if o.chunks.count == o.chunksRead, let producer = o.producer, !producer.produce(into: &o.chunks, max: max) {
                o.producer = nil
                o.ended = true
            }
            let available = o.chunks.count - o.chunksRead
            if available > 0 {
                let n = min(available, max)
                o.chunks.withUnsafeBytes { raw in
                    UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + o.chunksRead, byteCount: n)
                }
                o.chunksRead += n
                if o.chunksRead == o.chunks.count {
                    o.chunks.removeAll(keepingCapacity: true)
                    o.chunksRead = 0
                }
                if o.chunks.count - o.chunksRead <= Self.unsentStreamLimit { wakeWriter(&o) }
                return n
            }
            if o.ended { return zhner_mhd_end_of_stream }
            MHD_suspend_connection(connection)
            o.suspended = true
            return 0
        }
    }

    func close() {
        outbox.withLock { o in
            o.closed = true
            wakeWriter(&o)
        }
    }
}

/// Writes an answer's body a piece at a time as its client reads (`Exchange.respond(_:producing:)`).
protocol BodyProducer: AnyObject, Sendable {
    /// Appends about `max` more bytes to `out` (at least one piece); false once that was the last.
    /// Called on the polling thread, one call at a time.
    func produce(into out: inout [UInt8], max: Int) -> Bool
}

// The streamed body's C callbacks (file scope: see HTTPServer.swift on main-actor isolation).

private let readCallback: MHD_ContentReaderCallback = { cls, _, buffer, max in
    Unmanaged<Exchange>.fromOpaque(cls!).takeUnretainedValue().read(into: buffer!, max: max)
}

private let releaseCallback: MHD_ContentReaderFreeCallback = { cls in
    Unmanaged<Exchange>.fromOpaque(cls!).release()
}
