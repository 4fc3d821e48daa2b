/// The secret behind the `hash` operator and keyed pseudonyms (docs/PRIVACY.md, "Redaction").
/// Whatever prints it (a log line, `dump`, string interpolation of a configuration holding it)
/// gets `RedactionKey(hidden)`: the secret can only leave through the values it computes.
public struct RedactionKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let mac: HMACSHA256

    /// Any non-empty bytes; 32 random ones (`head -c 32 /dev/urandom`) are plenty.
    public init(bytes: [UInt8]) throws(RedactionError) {
        guard !bytes.isEmpty else { throw RedactionError(parameter: nil, problem: "the redaction key is empty") }
        mac = HMACSHA256(key: bytes)
    }

    /// A key file's bytes. One final line break (`\n` or `\r\n`) is not part of the key: `echo`
    /// and editors add one, and a key that silently differed from what the file shows would hash
    /// differently from every other tool given the same secret.
    public init(fileContents: [UInt8]) throws(RedactionError) {
        var bytes = fileContents[...]
        if bytes.last == 0x0A {
            bytes.removeLast()
            if bytes.last == 0x0D { bytes.removeLast() }
        }
        try self.init(bytes: Array(bytes))
    }

    /// HMAC-SHA256 of the UTF-8 of `message`.
    func code(_ message: String) -> [UInt8] {
        mac.authenticationCode(for: message.utf8)
    }

    public var description: String { "RedactionKey(hidden)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
