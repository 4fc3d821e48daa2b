/// HMAC-SHA256 (RFC 2104, with the block size and key rules of FIPS 198-1): the keyed hash behind
/// the `hash` operator and keyed pseudonyms. Without the key nobody can recompute a value from a
/// guess (a phone number has only ~10^10 candidates, so a plain hash of one hides nothing).
struct HMACSHA256: Sendable {
    /// The hash after absorbing the key XOR ipad and XOR opad: each message then costs its own
    /// blocks and two more, not two extra key blocks.
    private let inner: SHA256
    private let outer: SHA256

    /// Keys longer than a block are hashed first, shorter ones padded with zeros (RFC 2104 §2).
    init(key: [UInt8]) {
        var block = key.count > SHA256.blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: SHA256.blockSize - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    /// H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)): 32 bytes.
    func authenticationCode(for message: some Sequence<UInt8>) -> [UInt8] {
        var i = inner
        i.update(message)
        var o = outer
        o.update(i.finalize())
        return o.finalize()
    }
}

/// Lower-case hexadecimal, two digits a byte.
func hexadecimal(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".unicodeScalars)
    var out = String.UnicodeScalarView()
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0f)])
    }
    return String(out)
}
