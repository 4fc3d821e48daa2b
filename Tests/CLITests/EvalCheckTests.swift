import Foundation
import Testing
import ZhnerTestSupport

/// `zhner eval` refuses to print a table of zeros when the corpus's gold types are not the
/// model's, says which option fixes it, and lays out long type names.
struct EvalCheckTests {
    static func withCorpus<T>(_ name: String, _ content: String, _ body: (String) throws -> T) throws -> T {
        let dir = try Zhner.scratchDirectory("zhner-evalcheck")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try content.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return try body(dir + "/" + name)
    }

    static let cluener = """
        {"text": "张伟在北京工作", "label": {"name": {"张伟": [[0, 1]]}, "address": {"北京": [[3, 4]]}}}
        {"text": "联合国秘书长访问上海", "label": {"organization": {"联合国": [[0, 2]]}}}

        """

    @Test func clueNERWithoutMapIsRefusedWithTheMap() throws {
        let r = try Self.withCorpus("dev.json", Self.cluener) { try Zhner.run(["eval", "--data", $0, "--model", Zhner.tinyModel]) }
        #expect(r.status == 65)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("no gold type (address, name, organization) is one the model predicts (LOC, ORG, PER)"), "\(r.stderr)")
        #expect(r.stderr.contains("--map name=PER,address=LOC,organization=ORG,company=ORG,government=ORG"))
    }

    @Test func weiboWithoutItsFormatIsRefusedWithTheFormat() throws {
        let weibo = "张0\tB-PER.NAM\n伟0\tI-PER.NAM\n在0\tO\n北0\tB-GPE.NAM\n京0\tI-GPE.NAM\n"
        let r = try Self.withCorpus("weibo.dev", weibo) { try Zhner.run(["eval", "--data", $0, "--model", Zhner.tinyModel]) }
        #expect(r.status == 65)
        #expect(r.stderr.contains("pass --format weibo --map PER.NAM=PER,LOC.NAM=LOC,GPE.NAM=LOC,ORG.NAM=ORG"), "\(r.stderr)")
        let mapped = try Self.withCorpus("weibo.dev", weibo) {
            try Zhner.run(["eval", "--data", $0, "--model", Zhner.tinyModel, "--format", "weibo", "--map", "PER.NAM=PER,GPE.NAM=LOC"])
        }
        #expect(mapped.status == 0, "\(mapped.stderr)")
        #expect(mapped.stdout.contains("(1 sentences, 2 gold entities)"))
    }

    /// Some gold types unknown to the model: scored (recall 0), named on stderr; the table's type
    /// column is as wide as the longest name.
    @Test func unknownTypesAreNamedAndLongNamesFitTheTable() throws {
        let r = try Self.withCorpus("dev.json", Self.cluener) {
            try Zhner.run(["eval", "--data", $0, "--model", Zhner.tinyModel, "--map", "name=PER,organization=organization"])
        }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: gold types the model never predicts (LOC, ORG, PER) score recall 0: organization"), "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter { ["type", "PER", "organization", "overall"].contains($0.split(separator: " ").first ?? "") }
        #expect(rows.count == 4, "\(r.stdout)")
        // Every row's second column starts where the header's "precision" does.
        let column = rows[0].distance(from: rows[0].startIndex, to: rows[0].range(of: "precision")!.lowerBound)
        for row in rows.dropFirst() {
            let name = row.prefix { $0 != " " }
            #expect(name.count + 2 <= column, "\(row)")
            #expect(row.dropFirst(column).first?.isNumber == true, "\(row)")
            #expect(row.dropFirst(column - 1).first == " ", "\(row)")
        }
    }
}
