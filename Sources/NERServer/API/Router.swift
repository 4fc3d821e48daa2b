/// The server's routes. Paths match exactly (the query string is not part of them).
enum Route: String, CaseIterable, Sendable {
    case page = "/"
    case pageScript = "/app.js"
    case pageStyle = "/style.css"
    case openapi = "/openapi.json"
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"
    case entities = "/v1/entities"
    case batch = "/v1/entities/batch"
    case stream = "/v1/entities/stream"
    case redact = "/v1/redact"
    case redactStream = "/v1/redact/stream"

    var isInference: Bool { self == .entities || self == .batch || self == .stream || isRedaction }

    /// Answered by `RedactHandler.swift`.
    var isRedaction: Bool { self == .redact || self == .redactStream }

    /// Also takes a document, `text/plain` (docs/API.md, "Documents").
    var takesDocuments: Bool { self == .stream || self == .redactStream }

    /// What the `--probe-port` listener serves.
    var isProbe: Bool { self == .healthz || self == .readyz }

    /// HEAD is answered as GET without the body (libmicrohttpd drops it).
    var methods: [String] { isInference ? ["POST"] : ["GET", "HEAD"] }

    /// The `Allow` header: what a 405 or an OPTIONS request lists.
    var allow: String { (methods + ["OPTIONS"]).joined(separator: ", ") }
}

/// Where a request goes.
enum Routing: Equatable {
    case handle(Route)
    /// OPTIONS: a CORS preflight or a plain "what may I do here".
    case options(Route)
    case methodNotAllowed(Route)
    case notFound

    /// `probesOnly`: on the `--probe-port` listener, where every other route is not found.
    init(method: String, path: String, probesOnly: Bool = false) {
        guard let route = Route(rawValue: path), !probesOnly || route.isProbe else {
            self = .notFound
            return
        }
        if method == "OPTIONS" {
            self = .options(route)
        } else if route.methods.contains(method) {
            self = .handle(route)
        } else {
            self = .methodNotAllowed(route)
        }
    }

    /// The label of metrics and log lines: a known route, or "other" so that arbitrary paths
    /// cannot grow the metrics.
    var label: String {
        switch self {
        case .handle(let r), .options(let r), .methodNotAllowed(let r): return r.rawValue
        case .notFound: return "other"
        }
    }
}
