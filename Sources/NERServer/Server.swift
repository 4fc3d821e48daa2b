#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NERCore

/// `zhner serve`: the HTTP API over one shared `Recognizer`.
public enum Server {
    /// Places of the `--probe-port` listener: a probe is one short request, and the orchestrator
    /// sends few at a time.
    static let probeConnections = 16
    /// Idle seconds before a probe connection is closed: short, so that whoever can reach the probe
    /// port holds its places only briefly.
    static let probeTimeoutSeconds = 5

    /// Listens, loads the model (probes answer meanwhile: /readyz says 503), calls `ready` with the
    /// URL (and the `--probe-port` listener's), and serves until SIGTERM or SIGINT; SIGHUP rereads the lexicon file (`LexiconStore`). Then it stops accepting, lets every request in
    /// flight finish within `shutdownGraceSeconds`, closes the connections of those that did not, and
    /// returns. A second signal while draining gives up (`ServerError.interrupted`).
    public static func run(_ config: ServerConfig, ready: (_ url: String, _ probeURL: String?) -> Void) throws {
        MemoryBudget.limitArenas()
        let signals = TerminationSignals.block()
        // A client that hangs up must not kill the process; writes then fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        try config.validate()
        let address = try ListenAddress(host: config.host, port: config.port)
        let lexicons = try LexiconStore(path: config.lexiconPath)
        let metrics = Metrics()
        let scheduler = Scheduler(config: config, metrics: metrics)
        let budget = MemoryBudget(limit: config.maxMemoryBytes)
        let handler = APIHandler(config: config, metrics: metrics, scheduler: scheduler, lexicons: lexicons, budget: budget)
        let http = try HTTPServer(address: address, handler: handler, maxBodyBytes: config.maxBodyBytes,
                                  maxConnections: config.maxConnections,
                                  maxConnectionsPerClient: config.maxConnectionsPerClient,
                                  connectionTimeoutSeconds: config.connectionTimeoutSeconds,
                                  requestTimeoutSeconds: config.requestTimeoutSeconds)
        var probes: HTTPServer?
        if let probePort = config.probePort {
            do {
                probes = try HTTPServer(address: ListenAddress(host: config.host, port: probePort), handler: handler,
                                        maxBodyBytes: config.maxBodyBytes, maxConnections: probeConnections,
                                        connectionTimeoutSeconds: probeTimeoutSeconds, requestTimeoutSeconds: probeTimeoutSeconds,
                                        probesOnly: true)
            } catch {
                http.stop()
                throw error
            }
        }
        let listeners = [http] + (probes.map { [$0] } ?? [])
        let recognizer: Recognizer
        do {
            // One core per forward pass: parallelism comes from the workers, each with a workspace.
            recognizer = try Recognizer(modelDirectory: config.modelDirectory, options: .init(
                threads: 1, concurrency: config.workers, maxBatchTokens: config.maxBatchTokens))
        } catch {
            listeners.forEach { $0.stop() }
            throw error
        }
        scheduler.start(recognizer)
        let base = budget.loaded(workers: config.workers)
        if let limit = config.maxMemoryBytes, base >= limit {
            listeners.forEach { $0.stop() }
            throw ServerError.config("""
                max-memory = \(limit >> 20) MiB leaves nothing for requests: the model and \(config.workers) workers \
                take \(base >> 20) MiB (resident after load plus headroom); raise it or use fewer workers
                """)
        }
        handler.modelLoaded(recognizer)
        ready(address.url(port: http.port), probes.map { address.url(port: $0.port) })

        // SIGHUP reloads the lexicon and goes on serving; SIGTERM or SIGINT stops.
        while signals.wait() == SIGHUP {
            lexicons.reload()
            budget.trimSoon()
        }
        handler.beginDraining()
        listeners.forEach { $0.stopAccepting() }
        let graceEnd = MonotonicClock.now() + UInt64(config.shutdownGraceSeconds) * 1_000_000_000
        while handler.inflight > 0 {
            if MonotonicClock.now() >= graceEnd {
                // Slow uploads, clients that never read or read a byte at a time: none may hold the
                // process past its grace period (the supervisor would kill it, logging nothing).
                EventLog.emit(["event": "shutdown_grace_expired", "grace_s": "\(config.shutdownGraceSeconds)",
                               "closed_requests": "\(handler.inflight)"])
                listeners.forEach { $0.closeAll() }
                // No wait for the workers: a request still running has no client left.
                return
            }
            if let signal = signals.wait(milliseconds: 20), signal != SIGHUP {
                throw ServerError.interrupted("stopped by a second signal with \(handler.inflight) requests unanswered")
            }
        }
        scheduler.stop()
        listeners.forEach { $0.stop() }
    }
}
