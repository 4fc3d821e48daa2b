@testable import NERCore
import Testing

/// Redaction round trips: every operator on every pattern type and on PER/LOC/ORG, with astral
/// characters, emoji sequences and combining marks around the entities. Both offset systems must
/// agree with the texts, and putting the originals back over the redacted spans must give the
/// original text exactly.
struct RedactorTests {
    /// Names with emoji, a ZWJ family and combining marks right before and after them.
    static let names = "😀👨‍👩‍👧张三\u{301}在北京e\u{301}的阿里巴巴工作，张三和李四在𠀋北京。"
    /// One value of every pattern type, found by the recognizers.
    static let personal = "电话13812345678，邮箱zhangsan@qq.com，网址https://www.example.com/a，服务器192.168.1.1，"
        + "身份证11010519491231002X，卡号4111111111111111，护照E12345678，车牌京A12345，信用代码91350100M000100Y43，"
        + "2015年3月5日上午九点半，营收40亿元，增长30%。"
    static let text = names + personal

    /// Every occurrence of `name` in `text`, as an entity of `type`.
    static func entities(_ type: String, _ name: String, in text: String) -> [Entity] {
        let (t, n) = (Array(text.unicodeScalars), Array(name.unicodeScalars))
        return (0...(t.count - n.count)).filter { Array(t[$0..<($0 + n.count)]) == n }
            .map { Entity(type: type, start: $0, end: $0 + n.count, text: name, score: 1) }
    }

    static var allEntities: [Entity] {
        let model = [("PER", "张三"), ("PER", "李四"), ("LOC", "北京"), ("ORG", "阿里巴巴")].flatMap { entities($0, $1, in: text) }
        return (model + PatternRecognizer.find(in: text)).sorted { $0.start < $1.start }
    }

    static let key = try! RedactionKey(bytes: Array("key one".utf8))

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static let operators: [RedactionOperator] = [
        .replace(template: "[{type}]"), try! .replacing("<{label}>"), try! .replacing(""), try! .masking(keepFirst: 3, keepLast: 4),
        try! .masking(keepFirst: 0, keepLast: 0, character: "●"), try! .hashing(), try! .hashing(length: 64), .pseudonym, .keep,
    ]

    /// The checks every redaction must pass; returns the redacted spans' texts.
    @discardableResult
    static func checkRoundTrip(_ text: String, _ r: Redaction) -> [String] {
        let original = Array(text.unicodeScalars)
        let redacted = Array(r.text.unicodeScalars)
        var restored = redacted
        var previous: RedactionItem?
        for item in r.items {
            #expect(String(String.UnicodeScalarView(original[item.start..<item.end])) == item.original)
            // The text between two items is the same length in both systems (it is copied).
            let (gap, redactedGap) = (item.start - (previous?.end ?? 0), item.redactedStart - (previous?.redactedEnd ?? 0))
            #expect(gap >= 0 && gap == redactedGap, "\(item)")
            previous = item
        }
        #expect(original.count - (previous?.end ?? 0) == redacted.count - (previous?.redactedEnd ?? 0))
        for item in r.items.reversed() {
            restored.replaceSubrange(item.redactedStart..<item.redactedEnd, with: item.original.unicodeScalars)
        }
        #expect(String(String.UnicodeScalarView(restored)) == text)
        return r.items.map { String(String.UnicodeScalarView(redacted[$0.redactedStart..<$0.redactedEnd])) }
    }

    @Test func everyTypeIsCovered() {
        let types = Set(Self.allEntities.map(\.type))
        #expect(types == PatternRecognizer.allTypes.union(["PER", "LOC", "ORG"]))
    }

    @Test(arguments: operators)
    func roundTripOnEveryType(_ op: RedactionOperator) throws {
        let policy = try RedactionPolicy(operators: [:], fallback: op, key: Self.key)
        var redactor = Redactor(policy: policy)
        let r = redactor.redact(Self.text, entities: Self.allEntities)
        #expect(r.items.map(\.type) == Self.allEntities.map(\.type))
        #expect(r.items.allSatisfy { $0.operatorName == op.name })
        let spans = Self.checkRoundTrip(Self.text, r)
        for (item, span) in zip(r.items, spans) {
            switch op {
            case .keep: #expect(span == item.original)
            case .replace(let template): #expect(span == RedactionOperator.fill(template, type: item.type))
            case .mask: #expect(span.unicodeScalars.count == item.original.unicodeScalars.count)
            case .hash(let length): #expect(span == String(hexadecimal(Self.key.code(item.original)).prefix(length)))
            case .pseudonym: #expect(span.hasPrefix(TypeLabels.label(item.type)))
            }
        }
    }

    @Test func perTypeOperatorsAndDefault() throws {
        let policy = try RedactionPolicy(operators: ["PHONE": .masking(keepFirst: 3, keepLast: 4), "PER": .pseudonym], fallback: .keep)
        var redactor = Redactor(policy: policy)
        let r = redactor.redact(Self.text, entities: Self.allEntities)
        Self.checkRoundTrip(Self.text, r)
        #expect(r.text.contains("电话138****5678，"))
        #expect(r.text.hasPrefix("😀👨‍👩‍👧人物1\u{301}在北京e\u{301}的阿里巴巴工作，人物1和人物2在𠀋北京。"))
    }

    @Test func maskKeepsExactlyFirstAndLast() throws {
        func mask(_ s: String, _ first: Int, _ last: Int) throws -> String {
            var unused = PseudonymTable()
            return try RedactionOperator.masking(keepFirst: first, keepLast: last).apply(to: s, type: "X", key: nil, pseudonyms: &unused)
        }
        #expect(try mask("13812345678", 3, 4) == "138****5678")
        #expect(try mask("13812345678", 0, 0) == "***********")
        #expect(try mask("13812345678", 10, 0) == "1381234567*")
        #expect(try mask("😀😀e\u{301}😀", 1, 1) == "😀***😀")
        // Nothing shown when the kept parts would cover the whole text.
        #expect(try mask("张三", 1, 1) == "**")
        #expect(try mask("张三丰", 1, 1) == "张*丰")
    }

    @Test func pseudonymsAreStableDistinctAndKeyed() throws {
        let text = "张三见了李四，李四又见了张三和王五。"
        let people = ["张三", "李四", "王五"].flatMap { Self.entities("PER", $0, in: text) }.sorted { $0.start < $1.start }
        var plain = Redactor(policy: try RedactionPolicy(fallback: .pseudonym))
        let r = plain.redact(text, entities: people)
        #expect(r.text == "人物1见了人物2，人物2又见了人物1和人物3。")
        Self.checkRoundTrip(text, r)
        // One redactor is one table: a second text of the same request goes on with it.
        #expect(plain.redact("王五和赵六", entities: Self.entities("PER", "王五", in: "王五和赵六") + Self.entities("PER", "赵六", in: "王五和赵六")).text == "人物3和人物4")
        // Keys: same text, same suffix; different keys, different stand-ins.
        func keyed(_ secret: String) throws -> [String] {
            var redactor = Redactor(policy: try RedactionPolicy(fallback: .pseudonym, key: RedactionKey(bytes: Array(secret.utf8))))
            return Self.checkRoundTrip(text, redactor.redact(text, entities: people))
        }
        let one = try keyed("key one"), two = try keyed("key two")
        #expect(one[0] == one[3] && one[1] == one[2] && Set(one).count == 3)
        #expect(one[0].hasPrefix("人物1-") && one[0].count == "人物1-".count + PseudonymTable.keyedDigits)
        #expect(zip(one, two).allSatisfy { $0 != $1 })
        // A name has the same suffix wherever it comes first.
        var other = Redactor(policy: try RedactionPolicy(fallback: .pseudonym, key: RedactionKey(bytes: Array("key one".utf8))))
        let later = Self.entities("PER", "张三", in: "李四和张三")
        #expect(other.redact("李四和张三", entities: later).text == "李四和人物1" + one[0].dropFirst("人物1".count))
    }

    /// The same entities redacted piece by piece (an entity crossing a piece's end included) give
    /// the whole redaction: texts joined, items equal.
    @Test func piecesAddUpToTheWhole() throws {
        let policy = try RedactionPolicy(operators: ["PER": .pseudonym], fallback: .masking(keepFirst: 1, keepLast: 1), key: Self.key)
        var whole = Redactor(policy: policy)
        let expected = whole.redact(Self.text, entities: Self.allEntities)
        for cut in [1, 5, 23, 40] {
            var pieces = Redactor(policy: policy)
            var cursor = RedactionCursor(Self.text)
            var texts = "", items: [RedactionItem] = []
            for end in stride(from: cut, through: Self.text.unicodeScalars.count + cut, by: cut) {
                let from = cursor.position
                let piece = pieces.redact(&cursor, upTo: end, entities: Self.allEntities.filter { $0.start >= from && $0.start < end })
                texts += piece.text
                items += piece.items
            }
            #expect(texts == expected.text && items == expected.items, "pieces of \(cut)")
        }
    }

    @Test func overlappingEntitiesKeepOffsetsConsistent() throws {
        let text = "北京大学在北京"
        let overlapping = [Entity(type: "ORG", start: 0, end: 4, text: "北京大学", score: 1), Entity(type: "LOC", start: 0, end: 2, text: "北京", score: 1),
                           Entity(type: "LOC", start: 5, end: 9, text: "北京", score: 1)]
        var redactor = Redactor(policy: try RedactionPolicy())
        let r = redactor.redact(text, entities: overlapping)
        #expect(r.text == "[ORG]在[LOC]")
        Self.checkRoundTrip(text, r)
    }

    @Test func badParametersAreRefused() {
        #expect(throws: RedactionError.self) { try RedactionOperator.replacing("a\nb") }
        #expect(throws: RedactionError.self) { try RedactionOperator.replacing(String(repeating: "x", count: 257)) }
        #expect(throws: RedactionError.self) { try RedactionOperator.masking(keepFirst: 65, keepLast: 0) }
        #expect(throws: RedactionError.self) { try RedactionOperator.masking(keepFirst: 0, keepLast: -1) }
        for bad in ["", "ab", "\u{301}", "\t"] {
            #expect(throws: RedactionError.self) { try RedactionOperator.masking(keepFirst: 0, keepLast: 0, character: bad) }
        }
        #expect(throws: RedactionError.self) { try RedactionOperator.hashing(length: 7) }
        #expect(throws: RedactionError.self) { try RedactionPolicy(operators: ["PHONE": .hash(length: 16)]) }
        #expect(RedactionOperator.fill("{type}/{label}/{x}/{type", type: "{label}") == "{label}/{label}/{x}/{type")
        #expect(RedactionOperator.fill("<{label}>", type: "PHONE") == "<电话>")
    }

    @Test func keyFileLosesOneLineBreakAndNeverPrints() throws {
        let plain = try RedactionKey(bytes: Self.bytes("s3cret"))
        for file in ["s3cret\n", "s3cret\r\n"] {
            #expect(try RedactionKey(fileContents: Self.bytes(file)).code("x") == plain.code("x"))
        }
        #expect(try RedactionKey(fileContents: Self.bytes("s3cret\n\n")).code("x") != plain.code("x"))
        #expect(throws: RedactionError.self) { try RedactionKey(fileContents: Self.bytes("\n")) }
        #expect(throws: RedactionError.self) { try RedactionKey(bytes: []) }
        var dumped = ""
        dump(plain, to: &dumped)
        for shown in ["\(plain)", String(reflecting: plain), dumped] {
            #expect(!shown.contains("s3cret") && !shown.contains("115"), "\(shown)")
        }
    }
}
