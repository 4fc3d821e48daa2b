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
final class ReadDeadlines: Sendable {
    private struct Clock {
        let socket: Int32
        var since: UInt64
        var reading = true
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
        clocks.withLock { $0[Int(bitPattern: connection)]?.reading = false }
    }

    /// The answer is complete: the connection now waits for, and reads, its next request.
    func answered(_ connection: OpaquePointer) {
        let now = MonotonicClock.now()
        clocks.withLock {
            $0[Int(bitPattern: connection)]?.reading = true
            $0[Int(bitPattern: connection)]?.since = now
        }
    }

    private func watch() {
        while !stopped.load(ordering: .relaxed) {
            usleep(250_000)
            let now = MonotonicClock.now()
            clocks.withLock { all in
                for (key, clock) in all where clock.reading && now - clock.since > limit {
                    shutdown(clock.socket, Int32(SHUT_RDWR))
                    all[key]?.reading = false
                }
            }
        }
    }
}
