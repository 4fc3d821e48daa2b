#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMicroHTTPD
import Synchronization

/// What the server does with requests. Called on libmicrohttpd's polling thread, so it must not
/// block: slow work goes to other threads, which answer through the `Exchange`.
protocol HTTPHandler: Sendable {
    /// Headers are in (first call for every exchange). An answer now (the body is then never
    /// read), or nil to read the body.
    func headersReceived(_ exchange: Exchange) -> HTTPResponse?
    /// The body is in, or went over the limit (`bodyExceeded`): only for exchanges that got no
    /// answer from `headersReceived`. Answer now or later, from any thread.
    func bodyReceived(_ exchange: Exchange)
    /// The exchange is over (see `Ending`). Last call for every exchange.
    func completed(_ exchange: Exchange, ending: Ending)
}

/// How an exchange ended.
enum Ending: Equatable {
    /// Its answer was sent in full.
    case answered
    /// Before its answer was complete, the client closed the connection, stopped reading until the
    /// connection timed out, or its connection failed; or zhner closed it on finding the client gone
    /// (`Exchange.abandon` after `clientGone`).
    case clientGone
    /// zhner closed it at the end of a drain that outlasted its grace period.
    case closedByServer
}

/// The libmicrohttpd daemon: one internal polling thread (epoll) that reads requests and writes
/// answers, never waiting for inference. A request whose answer is not ready is suspended and
/// resumed by whichever thread answers it.
final class HTTPServer {
    private let daemon: OpaquePointer
    private let driver: Unmanaged<Driver>
    let port: Int

    /// `maxConnectionsPerClient`: per client address, 0 for no limit; a connection over it is
    /// closed at once. `probesOnly`: this listener serves /healthz and /readyz only (`--probe-port`).
    init(address: ListenAddress, handler: any HTTPHandler, maxBodyBytes: Int,
         maxConnections: Int, maxConnectionsPerClient: Int = 0, connectionTimeoutSeconds: Int,
         requestTimeoutSeconds: Int, probesOnly: Bool = false) throws(ServerError)
    {
        let driver = Unmanaged.passRetained(Driver(handler: handler, maxBodyBytes: maxBodyBytes, probesOnly: probesOnly,
                                                   deadlines: ReadDeadlines(seconds: requestTimeoutSeconds)))
        // No MHD_USE_ERROR_LOG: libmicrohttpd's own stderr lines ("Failed to bind to port 0") came
        // before zhner's message for the same failure and named the wrong port; zhner reports every
        // error it acts on itself (here, the listen failure; per request, the access log).
        var flags = MHD_USE_AUTO_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        if address.isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        let started = address.storage.withUnsafeBytes { raw in
            zhner_mhd_start(flags, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self),
                            accessCallback, driver.toOpaque(), completedCallback, driver.toOpaque(),
                            notifyCallback, driver.toOpaque(),
                            UInt32(maxConnections), UInt32(maxConnectionsPerClient), UInt32(connectionTimeoutSeconds))
        }
        guard let started else {
            driver.takeUnretainedValue().deadlines.stop()
            driver.release()
            throw .system("cannot listen on \(address.host):\(address.port): \(String(cString: strerror(errno)))")
        }
        daemon = started
        self.driver = driver
        port = Int(zhner_mhd_bound_port(started))
    }

    /// Stops accepting connections; open ones go on.
    func stopAccepting() {
        let fd = MHD_quiesce_daemon(daemon)
        if fd >= 0 { close(fd) }
    }

    /// Closes every connection and ends the polling thread.
    func stop() {
        MHD_stop_daemon(daemon)
        driver.takeUnretainedValue().deadlines.stop()
        driver.release()
    }

    /// Closes every connection now, answered or not, and ends the polling thread: the end of a
    /// drain that outlasted its grace period. Each request cut short gets its `completed` call
    /// (`aborted`), so it is logged.
    func closeAll() {
        driver.takeUnretainedValue().abandonAll()
        stop()
    }
}

/// The context libmicrohttpd hands back to the callbacks.
private final class Driver: Sendable {
    let handler: any HTTPHandler
    let maxBodyBytes: Int
    let probesOnly: Bool
    let deadlines: ReadDeadlines

    /// Exchanges not yet completed, so that `abandonAll` reaches the suspended ones, which
    /// `MHD_stop_daemon` cannot close (it aborts the process instead).
    private struct Open {
        var closing = false
        var exchanges: [ObjectIdentifier: Exchange] = [:]
    }
    private let open = Mutex(Open())

    init(handler: any HTTPHandler, maxBodyBytes: Int, probesOnly: Bool, deadlines: ReadDeadlines) {
        self.handler = handler
        self.maxBodyBytes = maxBodyBytes
        self.probesOnly = probesOnly
        self.deadlines = deadlines
    }

    func access(_ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
                version: UnsafePointer<CChar>, upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
                slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> MHD_Result
    {
        guard let existing = slot.pointee else {
            // First call: headers only.
            let exchange = Exchange(connection: connection, method: method, path: String(cString: url),
                                    version: String(cString: version), probesOnly: probesOnly)
            let admitted = open.withLock { o -> Bool in
                guard !o.closing else { return false }
                o.exchanges[ObjectIdentifier(exchange)] = exchange
                return true
            }
            // Closing everything: a request arriving now is not even read (.NO closes the connection).
            guard admitted else { return .NO }
            slot.pointee = Unmanaged.passRetained(exchange).toOpaque()
            if let early = handler.headersReceived(exchange) {
                // Answering before the body is read makes libmicrohttpd close the connection,
                // which is right for a refused upload but would end keep-alive for a GET.
                deadlines.requestRead(connection)
                guard exchange.hasBody else {
                    exchange.handled = true
                    exchange.respond(early)
                    return .YES
                }
                return exchange.queue(early)
            }
            return .YES
        }
        let exchange = Unmanaged<Exchange>.fromOpaque(existing).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            if let upload { exchange.appendBody(UnsafeRawBufferPointer(start: upload, count: uploadSize.pointee), limit: maxBodyBytes) }
            uploadSize.pointee = 0
            return .YES
        }
        if exchange.isAnswered { return .YES }
        if !exchange.handled {
            exchange.handled = true
            deadlines.requestRead(connection)
            handler.bodyReceived(exchange)
        }
        return exchange.queuePendingOrSuspend()
    }

    /// Every open exchange is abandoned (see `Exchange.abandon`) and no new one is admitted.
    func abandonAll() {
        let exchanges = open.withLock { o -> [Exchange] in
            o.closing = true
            return Array(o.exchanges.values)
        }
        for exchange in exchanges { exchange.abandon() }
    }

    func completed(_ connection: OpaquePointer, _ slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                   termination: MHD_RequestTerminationCode) {
        deadlines.answered(connection)
        guard let raw = slot.pointee else { return }
        slot.pointee = nil
        let exchange = Unmanaged<Exchange>.fromOpaque(raw).takeRetainedValue()
        let closing = open.withLock { o -> Bool in
            o.exchanges.removeValue(forKey: ObjectIdentifier(exchange))
            return o.closing
        }
        exchange.close()
        let ending: Ending = termination == .REQUEST_TERMINATED_COMPLETED_OK ? .answered : closing ? .closedByServer : .clientGone
        handler.completed(exchange, ending: ending)
    }
}

// The C callbacks. They live here, not in main.swift, where top-level code is main-actor isolated
// and would trap when called on libmicrohttpd's thread.

private let accessCallback: MHD_AccessHandlerCallback = { cls, connection, url, method, version, upload, uploadSize, slot in
    Unmanaged<Driver>.fromOpaque(cls!).takeUnretainedValue().access(
        connection!, url: url!, method: method!, version: version!, upload: upload, uploadSize: uploadSize!, slot: slot!)
}

private let completedCallback: MHD_RequestCompletedCallback = { cls, connection, slot, termination in
    Unmanaged<Driver>.fromOpaque(cls!).takeUnretainedValue().completed(connection!, slot!, termination: termination)
}

private let notifyCallback: MHD_NotifyConnectionCallback = { cls, connection, _, event in
    let deadlines = Unmanaged<Driver>.fromOpaque(cls!).takeUnretainedValue().deadlines
    if event == .CONNECTION_NOTIFY_STARTED { deadlines.opened(connection!) } else { deadlines.closed(connection!) }
}
