import Foundation
import Testing
@testable import NERCore

/// Any input: the result is sorted, non-overlapping, within the text, and each entity's text is
/// its span of the original; adversarial repetitions finish (every scanner is linear).
struct PatternRobustnessTests {
    static func checkInvariants(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        let found = PatternRecognizer.find(in: text)
        for (a, b) in zip(found, found.dropFirst()) { #expect(a.end <= b.start, "\(a) \(b)") }
        for e in found {
            #expect(0 <= e.start && e.start < e.end && e.end <= scalars.count)
            #expect(e.text == String(String.UnicodeScalarView(scalars[e.start..<e.end])))
            #expect(PatternRecognizer.allTypes.contains(e.type) && e.source == .pattern && (0...1).contains(e.score))
        }
    }

    @Test func randomTextKeepsTheInvariants() {
        // Characters every scanner reacts to, and astral ones (one code point, two UTF-16 units).
        let alphabet: [String] = ["1", "3", "8", "0", "6", "9", "X", "E", "A", "D", "a", "f", "@", ".", ":", "-", "/", " ", "+", "(",
                                  ")", ",", "%", "¥", "元", "年", "月", "日", "点", "半", "十", "百", "万", "一", "二", "京", "粤", "上午",
                                  "百分之", "www.", "http://", "手机", "护照", "１", "＠", "．", "𠀀", "😀", "𝟙", "\u{0}"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...80, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            Self.checkInvariants(text)
        }
        #expect(PatternRecognizer.find(in: "").isEmpty)
        #expect(PatternRecognizer.find(in: "电话13812345678", types: []).isEmpty)
        #expect(PatternRecognizer.find(in: "电话13812345678", types: ["NOPE"]).isEmpty)
    }

    @Test func adversarialRepetitionsFinish() {
        // Inputs that would make a backtracking or restart-per-position scanner quadratic (tens of
        // thousands of code points: seconds if linear, far longer if not).
        let units = ["1.", "1 ", "1-", "a@", "a.", "http://", "www.", "1:", "京A", "一", "十", "1,", "百分之", "上午", "0", "+86"]
        for unit in units {
            let text = String(repeating: unit, count: 5_000)
            let found = PatternRecognizer.find(in: text)
            #expect(found.allSatisfy { $0.end <= text.unicodeScalars.count }, "\(unit)")
        }
        Self.checkInvariants(String(repeating: "手机13812345678，邮箱a@b.cn，", count: 500))
    }
}

/// The misses docs/PRIVACY.md lists, as they are: a change here is a change to document.
struct PatternDocumentedMissesTests {
    @Test func documentedMisses() {
        let cases: [(String, [String])] = [
            ("Tel13812345678", []), ("01062345678", []), ("15年3月5日", ["DATE:3月5日"]), ("3月5日至7日", ["DATE:3月5日"]),
            ("营收40亿", []), ("二元一次方程", ["MONEY:二元"]), ("下降-3.5%", ["PERCENT:3.5%"]), ("192.168.1.0/24", ["IP:192.168.1.0"]),
            ("3点", []), ("零件E12345678", []), ("91350100m000100y43", []),
        ]
        for (text, expected) in cases {
            #expect(PatternRecognizer.find(in: text).map { "\($0.type):\($0.text)" } == expected, "\(text)")
        }
    }
}
