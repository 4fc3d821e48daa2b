import Foundation
import Testing
import ZhnerTestSupport

/// The shipped model on the kinds of text issue 14 names, as a user runs it (`zhner tag`, no flags):
/// informal tokens are never part of an entity while the names beside them are found, and a
/// Traditional sentence gets the spans of its Simplified twin with the user's own characters.
struct DefaultModelTextKindsTests {
    static func tag(_ lines: [String]) throws -> [[[String: Any]]] {
        let r = try Zhner.run(["tag", "--model", Zhner.defaultModel, "--threads", "1"],
                              stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        return try r.stdout.split(separator: "\n").map { try Zhner.entities(inRecord: $0) }
    }

    /// (text, names the model must find in it).
    static let informal: [(String, [String])] = [
        ("哈哈哈今天在三里屯偶遇@王一博 了😭😭 #三里屯# 晚上和@李娜 在工体吃火锅🌶️ 明天飞成都 http://t.cn/A6xYz",
         ["三里屯", "王一博", "李娜", "成都"]),
        ("苹果公司CEO库克今天访问北京。", ["苹果公司", "库克", "北京"]),
        ("ＣＥＯ库克今天到访北京", ["库克", "北京"]),
        ("请联系zhangsan@example.com的张三经理", ["张三"]),
        ("#北京马拉松# 今天跑完了！！哈哈哈哈 @李明 下次一起 😀😀", ["李明"]),
        ("转发微博 @王小丫: 上海外滩人好多啊 www.example.cn", ["王小丫", "上海"]),
        ("哈哈哈哈 http://t.cn/xyz 笑死我了hhhh 😂😂😂", []),
    ]

    @Test func informalTokensAreNeverPartOfAnEntity() throws {
        let found = try Self.tag(Self.informal.map(\.0))
        let informal = try NSRegularExpression(pattern: "[@#＠＃]|http|www|\\.com|\\.cn|哈哈|hhh|[\\x{1F300}-\\x{1FAFF}]")
        for ((text, names), entities) in zip(Self.informal, found) {
            let texts = entities.compactMap { $0["text"] as? String }
            for t in texts {
                #expect(informal.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)) == nil, "\(t) in \(text)")
            }
            for name in names { #expect(texts.contains(name), "\(name) not found in \(text): \(texts)") }
        }
    }

    @Test func traditionalTextGetsTheSpansOfItsSimplifiedTwin() throws {
        let traditional = "國務院總理李強在北京人民大會堂會見香港特別行政區行政長官李家超，臺灣大學教授陳志明也出席了會議。"
        let simplified = "国务院总理李强在北京人民大会堂会见香港特别行政区行政长官李家超，台湾大学教授陈志明也出席了会议。"
        let found = try Self.tag([traditional, simplified])
        func spans(_ list: [[String: Any]]) -> [String] { list.map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!)" } }
        #expect(spans(found[0]) == spans(found[1]))
        #expect(found[0].count >= 6)
        let scalars = Array(traditional.unicodeScalars)
        for e in found[0] {
            let start = e["start"] as! Int, end = e["end"] as! Int
            var slice = ""
            slice.unicodeScalars.append(contentsOf: scalars[start..<end])
            #expect(e["text"] as? String == slice)
        }
        #expect(found[0].contains { $0["text"] as? String == "李強" })
    }
}
