/// The stand-ins of one document, or of one request (a batch's texts share one table): the same
/// text of the same type always gets the same stand-in, different texts different ones. A stand-in
/// is the type's label (`TypeLabels`) and a number counted per type by first appearance:
/// 张三 → 人物1, 李四 → 人物2, 张三 again → 人物1.
///
/// With a key, each stand-in also carries the first 6 hex digits of
/// HMAC-SHA256(key, "pseudonym" NUL type NUL text): `人物1-3f9a0c`. Those are the same for that text
/// in every document redacted with that key (records can be linked by person without naming
/// them) and differ between keys; without a key a stand-in tells only the order of appearance.
struct PseudonymTable {
    /// Per type, the text's code points (in UTF-8: not Swift's canonical equivalence, which would
    /// give one number to two spellings whose keyed digits differ) → its number.
    private var numbers: [String: [[UInt8]: Int]] = [:]

    static let keyedDigits = 6

    mutating func standIn(for original: String, type: String, key: RedactionKey?) -> String {
        let text = Array(original.utf8)
        let number: Int
        if let known = numbers[type]?[text] {
            number = known
        } else {
            number = (numbers[type]?.count ?? 0) + 1
            numbers[type, default: [:]][text] = number
        }
        let standIn = TypeLabels.label(type) + String(number)
        guard let key else { return standIn }
        return standIn + "-" + hexadecimal(key.code("pseudonym\u{0}\(type)\u{0}\(original)")).prefix(Self.keyedDigits)
    }
}
