/// Which pattern recognizers a call turns on (`zhner tag --patterns`, `zhner serve --patterns`,
/// the API's `"patterns"` field). Off by default, so output stays the model's (and the lexicon's)
/// unless a caller asks: pattern entities are personal data (docs/PRIVACY.md).
public enum PatternMode: String, CaseIterable, Sendable {
    case none
    /// Identifiers of a person or organisation.
    case pii
    /// `pii` and the quantities: dates, times, amounts, percentages.
    case all

    /// The pattern types this mode turns on.
    public var types: Set<String> {
        switch self {
        case .none: []
        case .pii: Set([PatternType.phone, .email, .url, .ip, .idCard, .bankCard, .passport, .plate, .uscc].map(\.rawValue))
        case .all: PatternRecognizer.allTypes
        }
    }

    /// The pattern types to run for a call with this mode and the type filter `filter`: without a
    /// filter, the mode's types; with one, the pattern types it names, whatever the mode (asking
    /// for PHONE is asking for the phone recognizer, and running one whose entities the filter
    /// drops would be wasted work).
    public func types(filter: Set<String>?) -> Set<String> {
        guard let filter else { return types }
        return filter.intersection(PatternRecognizer.allTypes)
    }
}
