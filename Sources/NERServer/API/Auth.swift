/// Bearer-token API keys. Keys are compared in constant time and never logged or echoed.
struct Auth: Sendable {
    private let keys: [[UInt8]]
    private let publicMetrics: Bool

    init(keys: [String], publicMetrics: Bool) {
        self.keys = keys.map { Array($0.utf8) }
        self.publicMetrics = publicMetrics
    }

    /// The API needs a key when keys are configured; probes, the page and the spec never do (they
    /// reveal nothing and orchestrators call them without secrets); /metrics unless made public.
    func isRequired(for route: Route) -> Bool {
        guard !keys.isEmpty else { return false }
        switch route {
        case .entities, .batch, .stream, .redact, .redactStream: return true
        case .metrics: return !publicMetrics
        case .page, .pageScript, .pageStyle, .openapi, .healthz, .readyz: return false
        }
    }

    /// Whether an `Authorization` header carries one of the keys (`Bearer <key>`, scheme in any case).
    func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let presented = Array(parts[1].trimmingSpaces().utf8)
        // Every key is compared, whichever matches, so the time taken does not tell which one did.
        var matched = false
        for key in keys where Self.constantTimeEquals(presented, key) { matched = true }
        return matched
    }

    /// Time depends only on the longer length, never on where the bytes differ.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff: UInt8 = a.count == b.count ? 0 : 1
        for i in 0..<max(a.count, b.count) {
            diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return diff == 0
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
