import NERCore

/// `zhner redact --operator`: `TYPE=OPERATOR[:PARAMETERS]` entries, comma-separated or in repeated
/// options; `default` as TYPE sets the operator of every type not named. Parameters follow the
/// operator, separated by colons, in the order and with the names of the API's fields:
/// `replace:template` (the rest of the entry, colons included), `mask:keep_first:keep_last:mask_char`
/// (each optional), `hash:length`. A type named twice is refused: which of the two was meant is
/// not known, and keeping the last turned `PER=mask,PER=keep` into names left in clear unsaid.
enum OperatorOption {
    struct Parsed {
        var operators: [String: RedactionOperator] = [:]
        var fallback: RedactionOperator?
    }

    /// `template`: what `replace` without one uses (`--template`, else `[{type}]`).
    static func parse(_ values: [String], template: String) throws -> Parsed {
        var parsed = Parsed()
        for entry in values.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let (type, op) = try parse(entry: String(entry), template: template)
            if type == "default" ? parsed.fallback != nil : parsed.operators[type] != nil {
                throw CLIError.usage("--operator: \(type) is named twice; give each type one operator")
            }
            if type == "default" { parsed.fallback = op } else { parsed.operators[type] = op }
        }
        return parsed
    }

    private static func parse(entry: String, template: String) throws -> (type: String, op: RedactionOperator) {
        let sides = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard sides.count == 2, !sides[0].isEmpty else {
            throw CLIError.usage("--operator \(entry): expected TYPE=OPERATOR, such as PHONE=mask:3:4 or default=replace")
        }
        let spec = sides[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let (type, name) = (String(sides[0]), String(spec[0]))
        let rest = spec.count > 1 ? String(spec[1]) : nil
        switch name {
        case "replace":
            return (type, try checked(entry) { () throws(RedactionError) in try .replacing(rest ?? template) })
        case "mask":
            let p = rest?.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init) ?? []
            let (first, last) = (try number(p, 0, "keep_first", entry), try number(p, 1, "keep_last", entry))
            let character = p.count > 2 ? p[2] : String(RedactionOperator.defaultMaskCharacter)
            return (type, try checked(entry) { () throws(RedactionError) in try .masking(keepFirst: first, keepLast: last, character: character) })
        case "hash":
            let digits = try number(rest.map { [$0] } ?? [], 0, "length", entry, default: RedactionOperator.defaultHashLength)
            return (type, try checked(entry) { () throws(RedactionError) in try .hashing(length: digits) })
        case "pseudonym", "keep":
            guard rest == nil else { throw CLIError.usage("--operator \(entry): \(name) takes no parameters") }
            return (type, name == "keep" ? .keep : .pseudonym)
        default:
            throw CLIError.usage("--operator \(entry): unknown operator \(name); use \(RedactionOperator.names.joined(separator: ", "))")
        }
    }

    /// The operator `make` builds, its refusal worded as a usage error naming the entry.
    private static func checked(_ entry: String, _ make: () throws(RedactionError) -> RedactionOperator) throws -> RedactionOperator {
        do {
            return try make()
        } catch {
            throw CLIError.usage("--operator \(entry): \(error)")
        }
    }

    /// Parameter `i` of `parameters` as a whole number; absent or empty, `default`.
    private static func number(_ parameters: [String], _ i: Int, _ name: String, _ entry: String, default def: Int = 0) throws -> Int {
        guard i < parameters.count, !parameters[i].isEmpty else { return def }
        guard let n = Int(parameters[i]) else { throw CLIError.usage("--operator \(entry): \(name) must be a whole number, got \(parameters[i])") }
        return n
    }
}
