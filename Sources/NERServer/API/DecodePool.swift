import Foundation

/// Threads that decode request bodies, so that libmicrohttpd's polling thread only moves bytes.
/// Decoding a 300 KB JSON body takes tens of milliseconds (more in a debug build); on the polling
/// thread, twenty of them held every other connection, probes included, for about a second. The
/// work is bounded without a queue limit of its own: each connection has at most one body here.
final class DecodePool: @unchecked Sendable {
    /// Guards `work`; the threads wait on it.
    private let condition = NSCondition()
    private var work: [@Sendable () -> Void] = []

    init(threads: Int) {
        // They live as long as the process: the server stops by returning from `Server.run`, and
        // by then every request (and so every decode) is over or abandoned.
        for _ in 0..<threads {
            Thread { [self] in run() }.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        work.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while work.isEmpty { condition.wait() }
            let job = work.removeFirst()
            condition.unlock()
            job()
        }
    }
}
