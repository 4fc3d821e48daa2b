/// Cross-origin access for browsers: only origins on the allow-list (or any, with `*`) get the
/// `Access-Control-Allow-*` headers; without them a browser refuses the page its answer.
struct CORS: Sendable {
    private let origins: Set<String>
    private let anyOrigin: Bool

    init(origins: [String]) {
        anyOrigin = origins.contains("*")
        self.origins = Set(origins.filter { $0 != "*" })
    }

    func allows(_ origin: String) -> Bool { anyOrigin || origins.contains(origin) }

    /// Headers for any answer to a request from `origin` (nil: none sent). With an allow-list every
    /// answer depends on `Origin` (allowed or not, sent or not), so every one says `Vary: Origin`:
    /// a cache must not serve one origin's answer, or an answer without CORS headers, to another.
    func headers(origin: String?) -> [(name: String, value: String)] {
        guard anyOrigin || !origins.isEmpty else { return [] }
        guard let origin, allows(origin) else { return [("Vary", "Origin")] }
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                ("Access-Control-Expose-Headers", "Retry-After")]
    }

    /// OPTIONS: 204 with `Allow`; for an allowed origin's preflight also the methods and headers it
    /// may use. Preflights never need a key: browsers send them without credentials.
    func options(route: Route, origin: String?) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Allow", route.allow)]
        if let origin, allows(origin) {
            headers += [("Access-Control-Allow-Methods", route.allow),
                        // Zhner-Options: a document's options (text/plain on the /stream routes).
                        ("Access-Control-Allow-Headers", route.takesDocuments ? "Authorization, Content-Type, \(APIHandler.optionsHeader)"
                                                                             : "Authorization, Content-Type"),
                        ("Access-Control-Max-Age", "600")]
        }
        return .empty(204, headers: headers)
    }
}
