import Foundation
import Testing
@testable import NERCore

/// Token ids and offsets must equal HF `BertTokenizerFast`'s on every fixture line.
struct TokenizerGoldenTests {
    static let cases: [(file: String, options: BertTokenizer.Options)] = [
        ("tokenizer/uncased.jsonl", .init(lowercase: true, stripAccents: nil)),
        ("tokenizer/cased.jsonl", .init(lowercase: false, stripAccents: nil)),
        ("tokenizer/lower_nostrip.jsonl", .init(lowercase: true, stripAccents: false)),
        ("tokenizer/quirks.jsonl", .init(lowercase: true, stripAccents: nil)),
    ]

    @Test(arguments: 0..<cases.count)
    func matchesHuggingFace(_ index: Int) throws {
        let (file, options) = Self.cases[index]
        let tokenizer = try BertTokenizer(vocabulary: Fixtures.vocabulary, options: options)
        let lines = try Fixtures.jsonLines(file)
        #expect(lines.count >= (file.contains("quirks") ? 5 : 300))
        var mismatches: [String] = []
        for line in lines {
            let text = line["text"] as! String
            let ids = (line["ids"] as! [NSNumber]).map { Int32($0.intValue) }
            let offsets = (line["offsets"] as! [[NSNumber]]).map { [$0[0].intValue, $0[1].intValue] }
            let got = tokenizer.encode(text)
            let gotOffsets = zip(got.starts, got.ends).map { [Int($0), Int($1)] }
            if got.ids != ids || gotOffsets != offsets {
                mismatches.append("\(text.unicodeScalars.map { String($0.value, radix: 16) }) want \(ids) \(offsets) got \(got.ids) \(gotOffsets)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(lines.count) lines differ; first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test func uncasedFixtureIsLargeAndVaried() throws {
        let lines = try Fixtures.jsonLines("tokenizer/uncased.jsonl")
        #expect(lines.count >= 2000)
        let texts = lines.map { $0["text"] as! String }
        #expect(texts.contains { $0.unicodeScalars.contains { $0.properties.isEmoji && $0.value > 0x2000 } })
        #expect(texts.contains { $0.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } })
        #expect(texts.contains { $0.contains("http") })
    }

    @Test func wordIDsGroupSubwordPieces() throws {
        let tokenizer = try BertTokenizer(vocabulary: Fixtures.vocabulary)
        let e = tokenizer.encode("microsoft 发布")
        // Pieces of one word share its id; each CJK character is a word of its own.
        #expect(e.count >= 4)
        let latin = e.wordIDs.prefix(e.count - 2)
        #expect(Set(latin).count == 1)
        #expect(e.wordIDs.suffix(2) == [latin.first! + 1, latin.first! + 2])
    }
}
