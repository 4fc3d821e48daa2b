/// Which operator each entity type gets, and the key of `hash` and keyed pseudonyms.
public struct RedactionPolicy: Sendable {
    /// Per type; types not listed get `fallback`.
    public let operators: [String: RedactionOperator]
    public let fallback: RedactionOperator
    public let key: RedactionKey?

    /// Refuses a `hash` without a key (the only way this fails).
    public init(operators: [String: RedactionOperator] = [:], fallback: RedactionOperator = .replace(template: RedactionOperator.defaultTemplate),
                key: RedactionKey? = nil) throws(RedactionError) {
        if key == nil, Self.hashes(operators, fallback) {
            throw RedactionError(parameter: nil, problem: "the hash operator needs a key")
        }
        self.operators = operators
        self.fallback = fallback
        self.key = key
    }

    public func op(for type: String) -> RedactionOperator {
        operators[type] ?? fallback
    }

    private static func hashes(_ operators: [String: RedactionOperator], _ fallback: RedactionOperator) -> Bool {
        ([fallback] + operators.values).contains { if case .hash = $0 { true } else { false } }
    }
}
