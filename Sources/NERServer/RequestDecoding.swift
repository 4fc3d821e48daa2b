import Foundation

/// A validated inference request.
struct InferenceRequest: Sendable {
    let texts: [String]
    /// Entity types to keep; nil keeps all.
    let types: Set<String>?
    /// Code points of all texts: what the access log and the batch budget count.
    let characters: Int
}

/// Body limits and the model's vocabulary of types, which requests are checked against.
struct RequestLimits: Sendable {
    let maxTextCharacters: Int
    let maxBatchTexts: Int
    /// The model's types, and the lexicon's in force when the request arrived.
    var entityTypes: [String]
}

/// JSON bodies of the inference routes, checked strictly: the exact fields, the exact types, and
/// limits counted in code points. Every failure names the field and what to change.
enum RequestDecoding {
    /// `{"text": "...", "types"?: [...]}` for `/v1/entities` and `/v1/entities/stream`.
    static func single(_ body: [UInt8], limits: RequestLimits) throws(APIError) -> InferenceRequest {
        let object = try jsonObject(body, fields: ["text", "types"])
        guard let value = object["text"] else { throw .badRequest("missing_field", "the body needs a \"text\" string") }
        guard let text = value as? String else {
            throw .badRequest("wrong_type", "\"text\" must be a string, got \(typeName(value))")
        }
        let characters = try checkedLength(text, name: "\"text\"", limits: limits)
        return InferenceRequest(texts: [text], types: try types(object, limits: limits), characters: characters)
    }

    /// `{"texts": ["...", ...], "types"?: [...]}` for `/v1/entities/batch`.
    static func batch(_ body: [UInt8], limits: RequestLimits) throws(APIError) -> InferenceRequest {
        let object = try jsonObject(body, fields: ["texts", "types"])
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
        return InferenceRequest(texts: texts, types: try types(object, limits: limits), characters: characters)
    }

    private static func jsonObject(_ body: [UInt8], fields: Set<String>) throws(APIError) -> [String: Any] {
        guard !body.isEmpty else { throw .badRequest("invalid_json", "the body is empty; send a JSON object") }
        // Checked before parsing so that bad bytes get their own answer, not a generic parse error.
        guard String(validating: body, as: UTF8.self) != nil else {
            throw .badRequest("invalid_utf8", "the body is not valid UTF-8")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw .badRequest("invalid_json", "the body is not valid JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw .badRequest("wrong_type", "the body must be a JSON object, got \(typeName(parsed))")
        }
        // Unknown fields are refused: a typo such as "type" for "types" would otherwise pass silently.
        if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
            throw .badRequest("unknown_field", "unknown field \"\(unknown)\"; allowed: \(fields.sorted().joined(separator: ", "))")
        }
        return object
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
        if let unknown = names.first(where: { !limits.entityTypes.contains($0) }) {
            throw .badRequest("unknown_type", "unknown entity type \"\(unknown)\"; this model knows \(limits.entityTypes.joined(separator: ", "))")
        }
        return Set(names)
    }

    /// JSON's name for a parsed value, for messages.
    private static func typeName(_ value: Any) -> String {
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
