import Foundation
import Testing
@testable import NERCore

/// "zhner-v2" models read Traditional characters through their charmap.txt: the same text in either
/// script gives the same entities at the same code-point offsets, and each entity's text is the
/// caller's own (Traditional) characters.
struct TraditionalTests {
    /// Traditional → Simplified pairs whose Simplified side the tiny model knows, plus one astral pair.
    static let pairs: [(String, String)] = [
        ("國", "国"), ("務", "务"), ("會", "会"), ("見", "见"), ("華", "华"), ("張", "张"), ("長", "长"),
        ("廣", "广"), ("區", "区"), ("學", "学"), ("東", "东"), ("聯", "联"), ("𠁞", "李"),
    ]

    static let texts = [
        "李鹏在北京会见了美国国务卿。", "中华人民共和国国务院", "张三去了广州市天河区的中山大学。",
        "联合国秘书长访问日本东京", "王小明😀是清华大学的学生", "café́ 在上海会见张三", "𠀀李四😀𝒜e\u{301}在东京",
    ]

    /// A copy of the tiny BiLSTM model declared zhner-v2 with the pairs above as its charmap.txt.
    static func model(in root: String) throws -> String {
        let source = Fixtures.path("models/tiny-lstm")
        let dir = root + "/tiny-lstm-v2"
        try FileManager.default.copyItem(atPath: source, toPath: dir)
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as! [String: Any]
        config["normalization"] = "zhner-v2"
        var files = config["files"] as? [String: String] ?? [:]
        files["charmap"] = "charmap.txt"
        config["files"] = files
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/config.json"))
        try pairs.map { "\($0.0)\t\($0.1)\n" }.joined().write(toFile: dir + "/charmap.txt", atomically: true, encoding: .utf8)
        return dir
    }

    static func traditional(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if let pair = pairs.first(where: { $0.1.unicodeScalars.first == c }) {
                out.unicodeScalars.append(pair.0.unicodeScalars.first!)
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    @Test func traditionalTextTagsLikeSimplified() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let recognizer = try Recognizer(modelDirectory: Self.model(in: root), options: .init(threads: 1))
        let plain = try Recognizer(modelDirectory: Fixtures.path("models/tiny-lstm"), options: .init(threads: 1))
        var total = 0
        var changed = 0
        for text in Self.texts {
            let trad = Self.traditional(text)
            if trad != text { changed += 1 }
            let simplified = recognizer.recognize(text)
            // zhner-v2 leaves Simplified text exactly as zhner-v1 reads it
            #expect(simplified == plain.recognize(text), "\(text)")
            let fromTraditional = recognizer.recognize(trad)
            #expect(fromTraditional.map { [$0.type, "\($0.start)", "\($0.end)", "\($0.score)"] }
                    == simplified.map { [$0.type, "\($0.start)", "\($0.end)", "\($0.score)"] }, "\(trad)")
            let scalars = Array(trad.unicodeScalars)
            for e in fromTraditional {
                var original = ""
                original.unicodeScalars.append(contentsOf: scalars[e.start..<e.end])
                #expect(e.text == original)
            }
            total += fromTraditional.count
        }
        #expect(changed >= 6 && total > 20)
    }

    @Test func malformedCharmapIsAModelError() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = try Self.model(in: root)
        try "國\t国\n國國\t国\n".write(toFile: dir + "/charmap.txt", atomically: true, encoding: .utf8)
        #expect(throws: NERError.self) { try Recognizer(modelDirectory: dir, options: .init(threads: 1)) }
    }
}
