#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NERCore

/// `zhner serve`: the HTTP API over one shared `Recognizer`.
public enum Server {
    /// Listens, loads the model (probes answer meanwhile: /readyz says 503), calls `ready` with the
    /// URL, and serves until SIGTERM or SIGINT; SIGHUP rereads the lexicon file (`LexiconStore`). Then it stops accepting, lets every request in
    /// flight finish within `shutdownGraceSeconds`, closes the connections of those that did not, and
    /// returns. A second signal while draining gives up (`ServerError.interrupted`).
    public static func run(_ config: ServerConfig, ready: (String) -> Void) throws {
        let signals = TerminationSignals.block()
        // A client that hangs up must not kill the process; writes then fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        try config.validate()
        let address = try ListenAddress(host: config.host, port: config.port)
        let lexicons = try LexiconStore(path: config.lexiconPath)
        let metrics = Metrics()
        let scheduler = Scheduler(config: config, metrics: metrics)
        let handler = APIHandler(config: config, metrics: metrics, scheduler: scheduler, lexicons: lexicons)
        let http = try HTTPServer(address: address, handler: handler, maxBodyBytes: config.maxBodyBytes,
                                  maxConnections: config.maxConnections,
                                  connectionTimeoutSeconds: config.connectionTimeoutSeconds)
        let recognizer: Recognizer
        do {
            // One core per forward pass: parallelism comes from the workers, each with a workspace.
            recognizer = try Recognizer(modelDirectory: config.modelDirectory, options: .init(
                threads: 1, concurrency: config.workers, maxBatchTokens: config.maxBatchTokens))
        } catch {
            http.stop()
            throw error
        }
        scheduler.start(recognizer)
        handler.modelLoaded(recognizer)
        ready(address.url(port: http.port))

        // SIGHUP reloads the lexicon and goes on serving; SIGTERM or SIGINT stops.
        while signals.wait() == SIGHUP { lexicons.reload() }
        handler.beginDraining()
        http.stopAccepting()
        let graceEnd = Scheduler.now() + UInt64(config.shutdownGraceSeconds) * 1_000_000_000
        while handler.inflight > 0 {
            if Scheduler.now() >= graceEnd {
                // Slow uploads, clients that never read or read a byte at a time: none may hold the
                // process past its grace period (the supervisor would kill it, logging nothing).
                EventLog.emit(["event": "shutdown_grace_expired", "grace_s": "\(config.shutdownGraceSeconds)",
                               "closed_requests": "\(handler.inflight)"])
                http.closeAll()
                // No wait for the workers: a request still running has no client left.
                return
            }
            if let signal = signals.wait(milliseconds: 20), signal != SIGHUP {
                throw ServerError.interrupted("stopped by a second signal with \(handler.inflight) requests unanswered")
            }
        }
        scheduler.stop()
        http.stop()
    }
}
