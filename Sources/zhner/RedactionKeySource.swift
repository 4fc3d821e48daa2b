import Foundation
import NERCore

/// Where `zhner redact` and `zhner serve` find the redaction key (docs/PRIVACY.md, "Redaction"):
/// a file (their option, else ZHNER_REDACT_KEY_FILE), else the value of ZHNER_REDACT_KEY. Never the
/// command line itself, which `ps` shows to every user. Messages name the file, never the key.
enum RedactionKeySource {
    static let variable = "ZHNER_REDACT_KEY"
    static let fileVariable = "ZHNER_REDACT_KEY_FILE"

    /// The key of `path` (the command's option) or the environment; nil when none is given.
    static func load(path option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RedactionKey? {
        if let path = option ?? environment[fileVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            let data = try readWholeFile(path, "the redaction key file")
            do {
                return try RedactionKey(fileContents: Array(data))
            } catch {
                throw CLIError.usage("the redaction key file \(path) is empty")
            }
        }
        guard let secret = environment[variable], !secret.isEmpty else { return nil }
        return try RedactionKey(bytes: Array(secret.utf8))
    }
}
