import Foundation
import NERCore

/// A validated inference request.
struct InferenceRequest: Sendable {
    let texts: [String]
    /// Entity types to keep; nil keeps all.
    let types: Set<String>?
    /// The pattern types to recognise: the request's `"patterns"` (else the server's default),
    /// narrowed by `types` (`PatternMode.types(filter:)`).
    let patternTypes: Set<String>
    /// Code points of all texts: what the access log and the batch budget count.
    let characters: Int
}

/// Body limits and the model's vocabulary of types, which requests are checked against.
struct RequestLimits: Sendable {
    let maxTextCharacters: Int
    let maxBatchTexts: Int
    /// The model's types, and the lexicon's in force when the request arrived.
    var entityTypes: [String]
    /// For requests without a `"patterns"` field (`zhner serve --patterns`).
    var patterns: PatternMode = .none
}

/// JSON bodies of the inference routes, checked strictly: UTF-8 only, RFC 8259 JSON (no trailing
/// commas), the exact fields, the exact types, and limits counted in code points. Every failure
/// names the field and what to change, and repeats nothing the client sent: a field name or type
/// name can be anything, a key or 50 KB included.
enum RequestDecoding {
    /// `{"text": "...", "types"?: [...], "patterns"?: "..."}` for `/v1/entities` and `/v1/entities/stream`.
    static func single(_ body: [UInt8], limits: RequestLimits) throws(APIError) -> InferenceRequest {
        try single(jsonObject(body, fields: ["text", "types", "patterns"]), limits: limits)
    }

    /// The same from a parsed body (whose other fields the caller reads: `RedactionRequest`).
    static func single(_ object: [String: Any], limits: RequestLimits) throws(APIError) -> InferenceRequest {
        guard let value = object["text"] else { throw .badRequest("missing_field", "the body needs a \"text\" string") }
        guard let text = value as? String else {
            throw .badRequest("wrong_type", "\"text\" must be a string, got \(typeName(value))")
        }
        let characters = try checkedLength(text, name: "\"text\"", limits: limits)
        return try request([text], object, limits: limits, characters: characters)
    }

    /// `{"texts": ["...", ...], "types"?: [...], "patterns"?: "..."}` for `/v1/entities/batch`.
    static func batch(_ body: [UInt8], limits: RequestLimits) throws(APIError) -> InferenceRequest {
        try batch(jsonObject(body, fields: ["texts", "types", "patterns"]), limits: limits)
    }

    static func batch(_ object: [String: Any], limits: RequestLimits) throws(APIError) -> InferenceRequest {
        guard let value = object["texts"] else { throw .badRequest("missing_field", "the body needs a \"texts\" array of strings") }
        guard let array = value as? [Any] else {
            throw .badRequest("wrong_type", "\"texts\" must be an array of strings, got \(typeName(value))")
        }
        guard array.count <= limits.maxBatchTexts else {
            throw .tooLarge("too_many_texts", "\"texts\" has \(array.count) texts; the limit is max-batch-texts = \(limits.maxBatchTexts)")
        }
        var texts: [String] = []
        texts.reserveCapacity(array.count)
        var characters = 0
        for (i, item) in array.enumerated() {
            guard let text = item as? String else {
                throw .badRequest("wrong_type", "\"texts\"[\(i)] must be a string, got \(typeName(item))")
            }
            characters += try checkedLength(text, name: "\"texts\"[\(i)]", limits: limits)
            texts.append(text)
        }
        return try request(texts, object, limits: limits, characters: characters)
    }

    /// The request of `texts` with the body's `"types"` and `"patterns"`, checked.
    static func request(_ texts: [String], _ object: [String: Any], limits: RequestLimits,
                                characters: Int) throws(APIError) -> InferenceRequest {
        let types = try types(object, limits: limits)
        let mode = try patterns(object) ?? limits.patterns
        return InferenceRequest(texts: texts, types: types, patternTypes: mode.types(filter: types), characters: characters)
    }

    private static func patterns(_ object: [String: Any]) throws(APIError) -> PatternMode? {
        guard let value = object["patterns"] else { return nil }
        let modes = PatternMode.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let name = value as? String else {
            throw .badRequest("wrong_type", "\"patterns\" must be a string, one of \(modes); got \(typeName(value))")
        }
        // The name is not repeated: it can be anything the client sent.
        guard let mode = PatternMode(rawValue: name) else {
            throw .badRequest("unknown_patterns", "\"patterns\" must be one of \(modes)")
        }
        return mode
    }

    /// `source`: what the bytes are, for messages (a document's options come in a header).
    static func jsonObject(_ body: [UInt8], fields: Set<String>, source: String = "the body") throws(APIError) -> [String: Any] {
        guard !body.isEmpty else { throw .badRequest("invalid_json", "\(source) is empty; send a JSON object") }
        // Checked before parsing so that bad bytes get their own answer, not a generic parse error.
        guard String(validating: body, as: UTF8.self) != nil else {
            throw .badRequest("invalid_utf8", "\(source) is not valid UTF-8")
        }
        // Foundation's parser takes a NUL among the first four bytes for UTF-16 or UTF-32 and decodes
        // the body as that. UTF-8 JSON has no NUL byte anywhere, and the API takes UTF-8 only.
        guard !body.prefix(4).contains(0) else {
            throw .badRequest("invalid_utf8", "\(source) is not UTF-8 (it starts as UTF-16 or UTF-32 would)")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw .badRequest("invalid_json", "\(source) is not valid JSON\(JSONParseError.reason(error) ?? "")")
        }
        switch strictnessProblem(body) {
        case .trailingComma: throw .badRequest("invalid_json", "\(source) is not valid JSON: a comma before } or ]")
        case .repeatedName:
            throw .badRequest("duplicate_name", "\(source) has an object with the same name twice; send each name once")
        case nil: break
        }
        guard let object = parsed as? [String: Any] else {
            throw .badRequest("wrong_type", "\(source) must be a JSON object, got \(typeName(parsed))")
        }
        // Unknown fields are refused: a typo such as "type" for "types" would otherwise pass silently.
        if object.keys.contains(where: { !fields.contains($0) }) {
            throw .badRequest("unknown_field", "\(source) has a field other than \(fields.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return object
    }

    enum StrictnessProblem { case trailingComma, repeatedName }

    /// What Foundation's parser lets through that strict JSON does not: a comma before `}` or `]`
    /// (RFC 8259 has none), and a name twice in one object, of which it keeps the last (RFC 8259:
    /// names SHOULD be unique; a check or proxy reading the first would see another request than
    /// the one run, e.g. `{"PER": {"type": "mask"}, "PER": {"type": "keep"}}` leaves names in
    /// clear). Run on a body that parsed, so its strings are well formed and a quote not escaped
    /// always starts or ends one.
    static func strictnessProblem(_ body: [UInt8]) -> StrictnessProblem? {
        // Per open object the names seen so far (escapes decoded); nil for an array.
        var open: [Set<String>?] = []
        var afterComma = false
        var expectName = false
        var i = 0
        while i < body.count {
            let b = body[i]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                i += 1
                continue
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if afterComma { return .trailingComma }
                open.removeLast()
            case UInt8(ascii: "{"):
                open.append([])
                expectName = true
            case UInt8(ascii: "["):
                open.append(nil)
            case UInt8(ascii: ","):
                expectName = open.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                let start = i
                var escaped = false
                i += 1
                while body[i] != UInt8(ascii: "\"") {
                    if body[i] == UInt8(ascii: "\\") { escaped = true; i += 1 }
                    i += 1
                }
                if expectName {
                    expectName = false
                    let quoted = body[start...i]
                    let name = escaped ? (try? JSONSerialization.jsonObject(with: Data(quoted), options: [.fragmentsAllowed])) as? String
                                       : String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
                    if let name, open[open.count - 1]?.insert(name).inserted == false { return .repeatedName }
                }
            default:
                break
            }
            afterComma = b == UInt8(ascii: ",")
            i += 1
        }
        return nil
    }

    private static func checkedLength(_ text: String, name: String, limits: RequestLimits) throws(APIError) -> Int {
        let n = text.unicodeScalars.count
        guard n <= limits.maxTextCharacters else {
            throw .tooLarge("text_too_long", "\(name) has \(n) characters; the limit is max-text-chars = \(limits.maxTextCharacters)")
        }
        return n
    }

    private static func types(_ object: [String: Any], limits: RequestLimits) throws(APIError) -> Set<String>? {
        guard let value = object["types"] else { return nil }
        guard let array = value as? [Any], let names = array as? [String], names.count == array.count else {
            throw .badRequest("wrong_type", "\"types\" must be an array of strings such as [\"PER\"]")
        }
        let patternTypes = PatternType.allCases.map(\.rawValue)
        if let i = names.firstIndex(where: { !limits.entityTypes.contains($0) && !patternTypes.contains($0) }) {
            throw .badRequest("unknown_type", "\"types\"[\(i)] is not an entity type this model knows; it knows \(limits.entityTypes.joined(separator: ", ")), and the pattern types \(patternTypes.joined(separator: ", "))")
        }
        return Set(names)
    }

    /// JSON's name for a parsed value, for messages.
    static func typeName(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is NSNull: return "null"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        // JSON booleans parse as NSNumbers of ObjC type "c" (char); JSON numbers never do.
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? "a boolean" : "a number"
        default: return "\(type(of: value))"
        }
    }
}
