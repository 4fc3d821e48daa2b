#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMicroHTTPD
import Foundation
import Synchronization

/// Bounds how long a connection may take to deliver one request, headers and body together
/// (`--request-timeout-s`). libmicrohttpd's timeout counts only silence, so a client sending a byte
/// every few seconds would hold its place for as long as it liked; 0.9.75 has no total bound.
///
/// A connection's clock starts when it is accepted and again when an answer on it is complete (an
/// idle keep-alive connection is waiting for its next request), and stops once its request is read.
/// Past the limit its socket is shut down from this thread: libmicrohttpd's polling thread then
/// reads end of input and closes the connection as if the client had gone, the one way to end a
/// connection from outside that thread.
///
/// The same watch ends a request whose client hung up before sending all of it. libmicrohttpd
/// 0.9.75 polls edge-triggered and, when the last bytes and the client's FIN arrive together,
/// reads the bytes but never the end of input, so it waits for the rest until the deadline (seen
/// with curl and Python clients: a 60 s place, and a spooled document's file, held for nothing).
/// A socket that reads end of input at two ticks in a row while its request is still being read
/// is shut down as above: the request can never be completed. Two ticks, because a complete
/// request whose client half-closed reads end of input too, between libmicrohttpd reading its last
/// byte and `requestRead` a moment later.
final class ReadDeadlines: Sendable {
    struct Clock {
        let socket: Int32
        var since: UInt64
        var reading = true
        /// Ticks in a row at which the socket read end of input.
        var ended = 0

        /// Reading for longer than `limit` at `now`. `since` may be later than `now`: `answered`
        /// reads the clock before it takes the lock, the watch before it waits for it, so a
        /// connection answered meanwhile has a later start than the watch's `now` (an unsigned
        /// `now - since` then overflowed, and the overflow trap killed the server under load).
        func isOverdue(at now: UInt64, limit: UInt64) -> Bool {
            now > since && now - since > limit
        }
    }

    private let limit: UInt64
    private let clocks = Mutex<[Int: Clock]>([:])
    private let stopped = Atomic<Bool>(false)

    init(seconds: Int) {
        limit = UInt64(seconds) * 1_000_000_000
        Thread { [self] in watch() }.start()
    }

    /// Ends the watching thread (within its next tick).
    func stop() { stopped.store(true, ordering: .relaxed) }

    func opened(_ connection: OpaquePointer) {
        let clock = Clock(socket: zhner_mhd_socket(connection), since: MonotonicClock.now())
        clocks.withLock { $0[Int(bitPattern: connection)] = clock }
    }

    /// libmicrohttpd closes the socket after this call, so under the lock a socket still listed is
    /// still that connection's (never a reused number).
    func closed(_ connection: OpaquePointer) {
        clocks.withLock { _ = $0.removeValue(forKey: Int(bitPattern: connection)) }
    }

    /// The request is in (or answered before its body): no bound while it is worked on and answered.
    func requestRead(_ connection: OpaquePointer) {
        clocks.withLock {
            $0[Int(bitPattern: connection)]?.reading = false
            $0[Int(bitPattern: connection)]?.ended = 0
        }
    }

    /// The answer is complete: the connection now waits for, and reads, its next request.
    func answered(_ connection: OpaquePointer) {
        let now = MonotonicClock.now()
        clocks.withLock {
            $0[Int(bitPattern: connection)]?.reading = true
            $0[Int(bitPattern: connection)]?.since = now
        }
    }

    /// The client has closed its side and every byte it sent has been read (a peek, so nothing is
    /// consumed: unread bytes are data, not the end).
    private static func readsEndOfInput(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    private func watch() {
        while !stopped.load(ordering: .relaxed) {
            usleep(250_000)
            let now = MonotonicClock.now()
            clocks.withLock { all in
                for (key, clock) in all where clock.reading {
                    let ended = Self.readsEndOfInput(clock.socket) ? clock.ended + 1 : 0
                    all[key]?.ended = ended
                    if clock.isOverdue(at: now, limit: limit) || ended >= 2 {
                        shutdown(clock.socket, Int32(SHUT_RDWR))
                        all[key]?.reading = false
                    }
                }
            }
        }
    }
}
