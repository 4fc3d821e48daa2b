import Foundation
import NERCore

/// Everything `zhner serve` can be told. The defaults are the documented ones; `validate()` says
/// what is wrong in the words of the option to change.
public struct ServerConfig: Sendable {
    /// Address to listen on: an IPv4 or IPv6 literal, or a name that resolves to one.
    public var host = "127.0.0.1"
    /// TCP port; 0 lets the kernel pick a free one (printed when ready).
    public var port = 8080
    public var modelDirectory = ""
    /// Inference threads sharing one `Recognizer` (each with its own workspace, one core each).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Documents (text/plain bodies on the /stream routes) in flight at once, from their headers to
    /// their last line; more are answered 503 at once. One may keep a worker for many minutes, so by
    /// default one worker stays free for everything else.
    public var maxDocuments: Int?
    /// `maxDocuments` or its default: every worker but one, at least one.
    public var documentsAllowed: Int { maxDocuments ?? max(1, workers - 1) }
    /// Requests waiting for a worker; one more is answered 503 at once.
    public var queueCapacity = 64
    /// Most tokens one forward batch holds; also how many a worker gathers from the queue. Small
    /// enough that a batch of a BERT-base model stays short (latency), large enough for the GEMMs
    /// to run near full speed; the lowest that holds one 512-token window.
    public var maxBatchTokens = 512
    /// How long a worker holding a part-filled batch waits for more requests, while every other
    /// worker is busy (an idle worker would rather take the next request itself).
    public var batchWaitMilliseconds = 2
    /// From the moment the request's body is in; work still queued when it passes is answered 504,
    /// never run.
    public var deadlineMilliseconds = 10_000
    public var maxBodyBytes = 1 << 20
    /// Largest document sent as `text/plain` to a streaming route. Such a body goes to a file in
    /// `spoolDirectory`, not memory, and is recognised a part at a time, so it is bounded by disk.
    public var maxDocumentBytes = 64 << 20
    /// Where documents are spooled (files without a name, gone when their request ends).
    public var spoolDirectory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    /// Bytes the whole process may use (`MemoryBudget`): requests whose memory does not fit are
    /// answered 503. Defaults to the cgroup's memory limit when one is set; nil for no budget.
    public var maxMemoryBytes: Int? = MemoryBudget.cgroupLimit()
    /// Code points per text.
    public var maxTextCharacters = 100_000
    public var maxBatchTexts = 256
    /// About how many tokens each line of `/v1/entities/stream` covers.
    public var streamPieceTokens = 256
    public var maxConnections = 256
    /// Open connections per client address; 0 for no limit (the default: behind a proxy every
    /// client shares its address). One address cannot then take every place.
    public var maxConnectionsPerClient = 0
    /// A second listener, on the same host, serving only /healthz and /readyz with places of its
    /// own, so that probes are answered while clients hold every place of the main one; nil for none.
    public var probePort: Int?
    /// Idle seconds before a connection is closed.
    public var connectionTimeoutSeconds = 30
    /// Most seconds a connection may take to deliver one request, headers and body, counted from
    /// its acceptance or its previous answer (`ReadDeadlines`): bounds clients that trickle. 1 MiB
    /// at 20 KB/s fits.
    public var requestTimeoutSeconds = 60
    /// After SIGTERM, how long requests in flight may take to finish; then their connections are
    /// closed and the process exits 0. Below systemd's TimeoutStopSec (30 s) and the Deployment's
    /// grace period (30 s, 5 of them spent in preStop) in deploy/.
    public var shutdownGraceSeconds = 20
    /// Bearer tokens; empty means no authentication.
    public var apiKeys: [String] = []
    /// Lets a non-loopback address run without API keys.
    public var insecureNoAuth = false
    /// Whether `/metrics` answers without a key when keys are set.
    public var publicMetrics = false
    /// Origins a browser may call the API from (`*` for any); empty sends no CORS headers.
    public var corsOrigins: [String] = []
    /// Custom lexicon file (`text<TAB>TYPE` lines), reloaded on SIGHUP; nil for none.
    public var lexiconPath: String?
    /// Pattern recognizers for requests that do not choose (`"patterns"`): off, so clients see
    /// the model's types unless the operator or the request asks.
    public var patterns: PatternMode = .none
    /// The key of the `/v1/redact` routes' `hash` operator and keyed pseudonyms; nil for none
    /// (`hash` is then refused). It prints as `RedactionKey(hidden)`.
    public var redactionKey: RedactionKey?

    public init() {}

    /// The name reported in responses and metrics: the model folder's last component.
    public var modelName: String { URL(fileURLWithPath: modelDirectory).standardized.lastPathComponent }

    public func validate() throws(ServerError) {
        let positive: [(String, Int)] = [
            ("workers", workers), ("queue", queueCapacity), ("max-body-bytes", maxBodyBytes),
            ("max-document-bytes", maxDocumentBytes),
            ("max-text-chars", maxTextCharacters), ("max-batch-texts", maxBatchTexts),
            ("stream-piece-tokens", streamPieceTokens), ("max-connections", maxConnections),
            ("connection-timeout-s", connectionTimeoutSeconds), ("request-timeout-s", requestTimeoutSeconds), ("deadline-ms", deadlineMilliseconds),
            ("shutdown-grace-s", shutdownGraceSeconds),
        ]
        for (name, value) in positive where value < 1 {
            throw .config("\(name) must be at least 1, got \(value)")
        }
        guard (0...65535).contains(port) else { throw .config("port must be in 0...65535, got \(port)") }
        if let probePort, !(0...65535).contains(probePort) { throw .config("probe-port must be in 0...65535, got \(probePort)") }
        if let probePort, probePort != 0, probePort == port { throw .config("probe-port must differ from port (\(port))") }
        if let maxMemoryBytes, maxMemoryBytes < 1 << 20 { throw .config("max-memory must be at least 1 MiB, got \(maxMemoryBytes) bytes") }
        if let maxDocuments, maxDocuments < 1 { throw .config("max-documents must be at least 1, got \(maxDocuments)") }
        guard maxConnectionsPerClient >= 0 else { throw .config("max-connections-per-client must not be negative") }
        guard batchWaitMilliseconds >= 0 else { throw .config("batch-wait-ms must not be negative") }
        guard maxBatchTokens >= 512 else { throw .config("max-batch-tokens must hold one 512-token window, got \(maxBatchTokens)") }
        if apiKeys.contains(where: \.isEmpty) { throw .config("an API key is empty") }
        do {
            _ = try BodySpool(directory: spoolDirectory, limit: 0)
        } catch {
            throw .config("spool-dir \(spoolDirectory) cannot hold documents: \(error.description)")
        }
        let address = try ListenAddress(host: host, port: port)
        if !address.isLoopback, apiKeys.isEmpty, !insecureNoAuth {
            throw .config("""
                listening on \(host) (not a loopback address) needs API keys: set --api-key, \
                ZHNER_API_KEYS or --api-key-file, or pass --insecure-no-auth to serve without them
                """)
        }
    }
}

/// Errors that stop the server from starting.
public enum ServerError: Error, CustomStringConvertible {
    /// A setting that cannot work, in the words of the option to change.
    case config(String)
    /// The system refused (the port is taken, too many files, ...).
    case system(String)
    /// A second signal ended the drain before every request was answered.
    case interrupted(String)
    /// The lexicon file could not be loaded at start.
    case lexicon(String)

    public var description: String {
        switch self {
        case .config(let m), .system(let m), .interrupted(let m), .lexicon(let m): return m
        }
    }
}
