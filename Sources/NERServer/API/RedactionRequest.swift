import Foundation
import NERCore

/// A validated `/v1/redact` or `/v1/redact/stream` body: what `/v1/entities` (or its batch) reads
/// from it, and how to redact. Checked as strictly as the entity routes' bodies, and its errors,
/// likewise, name the field and repeat nothing the client sent but the known type names.
struct RedactionRequest: Sendable {
    let request: InferenceRequest
    let policy: RedactionPolicy
    /// `"include_originals": true`: each item carries the text it replaced.
    let originals: Bool
    /// `"texts"` was sent: the answer is `"results"`, one per text.
    let batch: Bool

    /// Each operator's parameters, besides `"type"`.
    static let parameters: [String: [String]] = ["replace": ["template"], "mask": ["keep_first", "keep_last", "mask_char"],
                                                 "hash": ["length"], "pseudonym": [], "keep": []]

    /// Each field but the text: what a document's `Zhner-Options` header may hold.
    static let optionFields: Set<String> = ["types", "patterns", "operators", "include_originals"]

    init(_ body: [UInt8], limits: RequestLimits, key: RedactionKey?, stream: Bool) throws(APIError) {
        let texts: Set<String> = stream ? ["text"] : ["text", "texts"]
        let object = try RequestDecoding.jsonObject(body, fields: texts.union(Self.optionFields))
        let batch = object["texts"] != nil
        if batch, object["text"] != nil { throw .badRequest("conflicting_fields", "send \"text\" or \"texts\", not both") }
        if !batch, object["text"] == nil {
            throw .badRequest("missing_field", stream ? "the body needs a \"text\" string" : "the body needs a \"text\" string or a \"texts\" array of strings")
        }
        let limits = Self.limits(limits)
        try self.init(batch ? try RequestDecoding.batch(object, limits: limits) : try RequestDecoding.single(object, limits: limits),
                      object, limits: limits, key: key, batch: batch)
    }

    /// A document's redaction (`Documents.swift`): the options without the text, whose code points
    /// the stream counts as it reads them.
    init(options object: [String: Any], limits: RequestLimits, key: RedactionKey?) throws(APIError) {
        let limits = Self.limits(limits)
        try self.init(try RequestDecoding.request([], object, limits: limits, characters: 0), object, limits: limits, key: key, batch: false)
    }

    private init(_ request: InferenceRequest, _ object: [String: Any], limits: RequestLimits, key: RedactionKey?, batch: Bool) throws(APIError) {
        self.request = request
        self.batch = batch
        switch object["include_originals"] {
        case nil: originals = false
        case let flag? where RequestDecoding.typeName(flag) == "a boolean": originals = (flag as! NSNumber).boolValue
        case let other?: throw .badRequest("wrong_type", "\"include_originals\" must be true or false, got \(RequestDecoding.typeName(other))")
        }
        policy = try Self.policy(object["operators"], types: limits.entityTypes + PatternType.allCases.map(\.rawValue), key: key)
        // An operator for a type this request never finds looks like protection and is none
        // ("patterns": "none" with a PHONE operator left every phone number in clear).
        let found = Set(limits.entityTypes.filter { request.types?.contains($0) ?? true }).union(request.patternTypes)
        if let named = object["operators"] as? [String: Any], named.keys.contains(where: { $0 != "default" && !found.contains($0) }) {
            throw .badRequest("unfound_type", "\"operators\" names a type this request never finds; add it to \"types\", or send \"patterns\": \"all\"")
        }
    }

    /// Without "patterns": the server's --patterns, but at least pii. A redaction that leaves
    /// phone and identity numbers in place is no redaction.
    private static func limits(_ limits: RequestLimits) -> RequestLimits {
        var limits = limits
        if limits.patterns == .none { limits.patterns = .pii }
        return limits
    }

    /// `"operators": {"PER": {"type": "pseudonym"}, "default": {"type": "mask"}, ...}`.
    private static func policy(_ value: Any?, types: [String], key: RedactionKey?) throws(APIError) -> RedactionPolicy {
        var operators: [String: RedactionOperator] = [:]
        var fallback = RedactionOperator.replace(template: RedactionOperator.defaultTemplate)
        if let value {
            guard let object = value as? [String: Any] else {
                throw .badRequest("wrong_type", "\"operators\" must be an object such as {\"PHONE\": {\"type\": \"mask\"}}, got \(RequestDecoding.typeName(value))")
            }
            // Sorted, so that of several bad entries the same one is named every time.
            for (type, spec) in object.sorted(by: { $0.key < $1.key }) {
                guard type == "default" || types.contains(type) else {
                    throw .badRequest("unknown_type", "\"operators\" names a type neither the model, the lexicon nor the patterns know; it knows \"default\", \(types.joined(separator: ", "))")
                }
                let op = try operation(spec, field: "\"operators\".\"\(type)\"")
                if type == "default" { fallback = op } else { operators[type] = op }
            }
        }
        do {
            return try RedactionPolicy(operators: operators, fallback: fallback, key: key)
        } catch {
            throw .badRequest("key_required", "the hash operator needs a key, and this server has none: start it with --redact-key-file or ZHNER_REDACT_KEY")
        }
    }

    /// `{"type": "mask", "keep_first": 3, ...}` at `field`.
    private static func operation(_ spec: Any, field: String) throws(APIError) -> RedactionOperator {
        let names = RedactionOperator.names.map { "\"\($0)\"" }.joined(separator: ", ")
        guard let object = spec as? [String: Any] else {
            throw .badRequest("wrong_type", "\(field) must be an object with a \"type\", one of \(names); got \(RequestDecoding.typeName(spec))")
        }
        guard let value = object["type"] else { throw .badRequest("missing_field", "\(field) needs a \"type\", one of \(names)") }
        // The name is not repeated: it can be anything the client sent.
        guard let name = value as? String, let allowed = parameters[name] else {
            throw .badRequest("unknown_operator", "\(field).\"type\" must be one of \(names)")
        }
        if object.keys.contains(where: { $0 != "type" && !allowed.contains($0) }) {
            let fields = (["type"] + allowed).map { "\"\($0)\"" }.joined(separator: ", ")
            throw .badRequest("unknown_field", "\(field) has a field other than \(fields), the fields of \"\(name)\"")
        }
        func string(_ key: String) throws(APIError) -> String? {
            guard let v = object[key] else { return nil }
            guard let s = v as? String else { throw .badRequest("wrong_type", "\(field).\"\(key)\" must be a string, got \(RequestDecoding.typeName(v))") }
            return s
        }
        func integer(_ key: String) throws(APIError) -> Int? {
            guard let v = object[key] else { return nil }
            guard RequestDecoding.typeName(v) == "a number", let n = Int(exactly: (v as! NSNumber).doubleValue) else {
                throw .badRequest("wrong_type", "\(field).\"\(key)\" must be a whole number, got \(RequestDecoding.typeName(v))")
            }
            return n
        }
        let (template, first, last, mask, length) = (try string("template"), try integer("keep_first"), try integer("keep_last"),
                                                     try string("mask_char"), try integer("length"))
        do throws(RedactionError) {
            switch name {
            case "replace": return try .replacing(template ?? RedactionOperator.defaultTemplate)
            case "mask": return try .masking(keepFirst: first ?? 0, keepLast: last ?? 0, character: mask ?? String(RedactionOperator.defaultMaskCharacter))
            case "hash": return try .hashing(length: length ?? RedactionOperator.defaultHashLength)
            case "pseudonym": return .pseudonym
            default: return .keep
            }
        } catch {
            throw .badRequest("bad_parameter", "\(field).\"\(error.parameter ?? "type")\" \(error.problem)")
        }
    }
}
