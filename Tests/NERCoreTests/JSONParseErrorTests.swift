import Foundation
import NERCore
import Testing

/// What a JSON parse failure is reported as: where, or why, never what was sent.
@Suite struct JSONParseErrorTests {
    static func reason(_ json: String) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
            return "parsed"
        } catch {
            return JSONParseError.reason(error)
        }
    }

    @Test func whereTheParserStopped() {
        // Byte offsets, not characters: 北 and 京 are three bytes each.
        #expect(Self.reason("{\"text\": \"北京\",,}") == " at byte 18")
        #expect(Self.reason("{\"text\": \"a\"} x") == " at byte 14")
        #expect(Self.reason("{\"text\": \"a\u{1}\"}") == " at byte 11")
        #expect(Self.reason("{\"text\": \"a\"") == ": it ends before its JSON does")
        #expect(Self.reason("") == ": it ends before its JSON does")
    }

    @Test func depthAndNumbersSayWhy() {
        let depth = JSONParseError.maxDepth
        #expect(Self.reason(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) == "parsed")
        #expect(Self.reason(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1))
                == ": arrays and objects nested deeper than 512 levels")
        let number = Self.reason("{\"text\": -1e999}")
        #expect(number == ": a number beyond the range of a 64-bit float (±1.8e308)")
    }

    @Test func otherFailuresGiveNoReason() {
        // A lone surrogate escape: the parser's words ("end of file during string parse") would mislead.
        #expect(Self.reason("{\"text\": \"北京\\ud800\"}") == nil)
        #expect(JSONParseError.reason(NSError(domain: "x", code: 1)) == nil)
    }
}
