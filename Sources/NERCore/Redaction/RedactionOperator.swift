/// What redaction writes in place of an entity (docs/PRIVACY.md, "Redaction"). Build them with the
/// validating constructors (`replacing`, `masking`, `hashing`), which the CLI and the API share,
/// so both refuse the same parameters with the same words.
public enum RedactionOperator: Sendable, Equatable {
    /// The template, `{type}` standing for the type and `{label}` for its Chinese name (`TypeLabels`).
    case replace(template: String)
    /// The first `keepFirst` and last `keepLast` code points kept, each other one `character`. An
    /// entity of at most `keepFirst + keepLast` code points is masked whole: a mask never shows
    /// a whole entity.
    case mask(keepFirst: Int, keepLast: Int, character: Unicode.Scalar)
    /// The first `length` hex digits of HMAC-SHA256(key, the entity's text in UTF-8).
    case hash(length: Int)
    /// The type's label and a number by first appearance (`PseudonymTable`).
    case pseudonym
    /// The entity as it is; still listed among the items, so a caller sees what was found.
    case keep

    public static let names = ["replace", "mask", "hash", "pseudonym", "keep"]
    public static let defaultTemplate = "[{type}]"
    public static let defaultMaskCharacter: Unicode.Scalar = "*"
    public static let defaultHashLength = 16
    /// Bounds of `keep_first`/`keep_last`, of a hash's hex digits (8 = 32 bits, 64 = all 256), and
    /// of a template's code points: every replacement stays short, so an answer's size stays a
    /// small multiple of its text's.
    public static let keepRange = 0...64
    public static let hashLengths = 8...64
    public static let templateLengths = 0...256

    public var name: String {
        switch self {
        case .replace: "replace"
        case .mask: "mask"
        case .hash: "hash"
        case .pseudonym: "pseudonym"
        case .keep: "keep"
        }
    }

    public static func replacing(_ template: String) throws(RedactionError) -> Self {
        guard templateLengths.contains(template.unicodeScalars.count) else {
            throw RedactionError(parameter: "template", problem: "must have at most \(templateLengths.upperBound) characters")
        }
        // A redacted line must stay one line (`zhner redact --format text` writes it raw).
        guard template.unicodeScalars.allSatisfy(isPrintable) else {
            throw RedactionError(parameter: "template", problem: "must not contain control characters or line breaks")
        }
        return .replace(template: template)
    }

    public static func masking(keepFirst: Int, keepLast: Int, character: String = String(defaultMaskCharacter)) throws(RedactionError) -> Self {
        for (name, value) in [("keep_first", keepFirst), ("keep_last", keepLast)] where !keepRange.contains(value) {
            throw RedactionError(parameter: name, problem: "must be an integer in \(keepRange.lowerBound)...\(keepRange.upperBound)")
        }
        // One code point that stands alone, so a masked entity keeps its length in code points.
        let scalars = Array(character.unicodeScalars)
        guard scalars.count == 1, isPrintable(scalars[0]), !isMark(scalars[0]) else {
            throw RedactionError(parameter: "mask_char", problem: "must be one printable character that is not a combining mark")
        }
        return .mask(keepFirst: keepFirst, keepLast: keepLast, character: scalars[0])
    }

    public static func hashing(length: Int = defaultHashLength) throws(RedactionError) -> Self {
        guard hashLengths.contains(length) else {
            throw RedactionError(parameter: "length", problem: "must be an integer in \(hashLengths.lowerBound)...\(hashLengths.upperBound) (hex digits)")
        }
        return .hash(length: length)
    }

    /// The replacement of `original`, an entity of `type`. `key` is set when this is `hash`
    /// (`RedactionPolicy` refuses a hash without one).
    func apply(to original: String, type: String, key: RedactionKey?, pseudonyms: inout PseudonymTable) -> String {
        switch self {
        case .replace(let template):
            return Self.fill(template, type: type)
        case .mask(let first, let last, let character):
            let scalars = Array(original.unicodeScalars)
            let shown = scalars.count > first + last
            let masked = scalars.indices.map { shown && ($0 < first || $0 >= scalars.count - last) ? scalars[$0] : character }
            return String(String.UnicodeScalarView(masked))
        case .hash(let length):
            return String(hexadecimal(key!.code(original)).prefix(length))
        case .pseudonym:
            return pseudonyms.standIn(for: original, type: type, key: key)
        case .keep:
            return original
        }
    }

    /// `template` with its placeholders filled in one pass, so a type or label that itself
    /// spells a placeholder is written as it is.
    static func fill(_ template: String, type: String) -> String {
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            rest = rest[open...]
            if rest.hasPrefix("{type}") {
                out += type
                rest = rest.dropFirst("{type}".count)
            } else if rest.hasPrefix("{label}") {
                out += TypeLabels.label(type)
                rest = rest.dropFirst("{label}".count)
            } else {
                out += "{"
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }

    private static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        u.properties.generalCategory != .control && u != "\u{2028}" && u != "\u{2029}"
    }

    private static func isMark(_ u: Unicode.Scalar) -> Bool {
        [.nonspacingMark, .spacingMark, .enclosingMark].contains(u.properties.generalCategory)
    }
}

/// A redaction parameter or key that cannot work: `parameter` is its name in the API's spelling
/// (`keep_first`, `template`), nil for the key; `problem` says what it must be. Neither repeats
/// the value given, which may be a secret.
public struct RedactionError: Error, Sendable, CustomStringConvertible {
    public let parameter: String?
    public let problem: String

    public var description: String { parameter.map { "\($0) \(problem)" } ?? problem }
}
