import Foundation
import Testing
@testable import NERCore

/// The lexicon matcher against a brute-force reference, and the override rule.
struct UserLexiconTests {
    /// Every occurrence of every pattern, by direct comparison at every position.
    static func bruteForce(_ patterns: [[Unicode.Scalar]], _ text: [Unicode.Scalar]) -> Set<[Int]> {
        var out = Set<[Int]>()
        for (p, pattern) in patterns.enumerated() where pattern.count <= text.count {
            for s in 0...(text.count - pattern.count) where Array(text[s..<s + pattern.count]) == pattern {
                out.insert([p, s, s + pattern.count])
            }
        }
        return out
    }

    @Test func ahoCorasickFindsExactlyTheBruteForceMatches() {
        // A tiny alphabet makes overlapping, nested and suffix-sharing patterns common.
        var rng = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["北", "京", "a", "b"]
        for _ in 0..<200 {
            var patterns: [[Unicode.Scalar]] = []
            while patterns.count < Int.random(in: 1...12, using: &rng) {
                let p = (0..<Int.random(in: 1...4, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
                if !patterns.contains(p) { patterns.append(p) }
            }
            let text = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            var found = Set<[Int]>()
            AhoCorasick(patterns).forEachMatch(in: text) { p, s, e in found.insert([p, s, e]) }
            #expect(found == Self.bruteForce(patterns, text), "\(patterns) in \(text)")
        }
    }

    @Test func leftmostLongestWithoutOverlaps() throws {
        let lexicon = try UserLexicon(entries: [("北京", "LOC"), ("北京大学", "ORG"), ("大学生", "X"), ("京", "Y"), ("学生", "Z")])
        let found = lexicon.matches(in: "我在北京大学生活，北京。").map { "\($0.text)@\($0.start)" }
        // 北京大学 (longest at the leftmost start 2) hides 京, 大学生 and 学生; then 北京 at 9.
        #expect(found == ["北京大学@2", "北京@9"])
        let random = (0..<300).map { _ in ["北", "京", "大", "学", "生"].randomElement()! }.joined()
        let all = lexicon.matches(in: random)
        for (a, b) in zip(all, all.dropFirst()) { #expect(a.end <= b.start) }
        #expect(all.allSatisfy { $0.score == 1 && $0.source == .lexicon })
    }

    @Test func lexiconOverridesEveryOverlappingModelEntity() throws {
        let lexicon = try UserLexicon(entries: [("北京大学", "ORG"), ("王", "PER")])
        let text = "王伟在北京大学读书"
        let model = [
            Entity(type: "PER", start: 0, end: 2, text: "王伟", score: 0.9),    // overlaps 王
            Entity(type: "LOC", start: 3, end: 5, text: "北京", score: 0.8),    // inside 北京大学
            Entity(type: "ORG", start: 6, end: 9, text: "学读书", score: 0.5),  // partly overlaps
            Entity(type: "LOC", start: 2, end: 3, text: "在", score: 0.4),      // no overlap: kept
        ].sorted { $0.start < $1.start }
        let merged = lexicon.apply(to: model, text: text)
        #expect(merged.map { "\($0.type):\($0.text):\($0.source)" } == ["PER:王:lexicon", "LOC:在:model", "ORG:北京大学:lexicon"])
    }

    @Test func parsingSkipsCommentsAndBlankLinesAndNamesBadLines() throws {
        let ok = try UserLexicon(parsing: "# comment\n\n  北京\tLOC  \r\n北京\tLOC\n上海\tLOC", name: "x.tsv")
        #expect(ok.entries == [.init(text: "北京", type: "LOC"), .init(text: "上海", type: "LOC")])
        #expect(throws: NERError.invalidArgument("x.tsv line 2: expected \"text<TAB>TYPE\", got 1 tab-separated field(s)")) {
            try UserLexicon(parsing: "北京\tLOC\nbad\n", name: "x.tsv")
        }
        #expect(throws: NERError.invalidArgument("x.tsv line 4: 北京 is already listed as LOC on line 1")) {
            try UserLexicon(parsing: "北京\tLOC\n#\n\n北京\tORG\n", name: "x.tsv")
        }
    }
}
