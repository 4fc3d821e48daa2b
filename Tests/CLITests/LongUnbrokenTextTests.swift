import Foundation
import Testing
import ZhnerTestSupport

/// Texts with no sentence break are the longest single sequences zhner sees: their CRF scores used to
/// drift past 1 (5,000 × 京: 5.4) and reach `inf` (50,000 × a), which is invalid JSON. (Sizes fit the
/// debug build the suite runs; stress/red_team.py sends 1 M characters to a release server.)
struct LongUnbrokenTextTests {
    static let texts = [
        String(repeating: "a", count: 50_000), String(repeating: "京", count: 20_000),
        String(repeating: "张伟", count: 10_000), String(repeating: "😀", count: 20_000),
        String(repeating: "北京大学的张伟在上海工作，", count: 1_000),
    ]

    @Test(arguments: ["jsonl", "hf"])
    func scoresAreProbabilitiesAndJSONIsValid(_ format: String) throws {
        let input = Self.texts.joined(separator: "\n") + "\n"
        let r = try Zhner.run(["tag", "--model", Zhner.defaultModel, "--format", format, "--threads", "2"],
                              stdin: Data(input.utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == Self.texts.count)
        var scores = 0
        for line in lines {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8))
            let entities = format == "hf" ? record as! [[String: Any]] : (record as! [String: Any])["entities"] as! [[String: Any]]
            for e in entities {
                let score = try #require(e["score"] as? Double)
                #expect(score >= 0 && score <= 1)
                scores += 1
            }
        }
        #expect(scores > 500, "the texts must give entities to score")
    }
}
