import Foundation
import Testing
import ZhnerTestSupport

/// Over random texts mixing scripts, emoji, whitespace, controls and BOMs, for a WordPiece model and a
/// per-character BiLSTM: no entity of any output format starts or ends on whitespace, a control
/// character or a BOM, entity texts are the text's own slices, and CoNLL output is valid BIO.
struct SpanPropertyTests {
    static let pieces = ["北京", "张伟", "上海市", "国务院", " ", "  ", "\t", "\u{3000}", "😀", "👨‍👩‍👧", "abc", "Tim Cook",
                         "Ünï", "\u{FEFF}", "\u{200B}", "。", "，", "http://t.cn/x", "e\u{301}", "\u{1}", "１２３", "𠀀", "·"]

    static func texts(count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        return (0..<count).map { _ in (0..<(1 + next() % 14)).map { _ in pieces[next() % pieces.count] }.joined() }
    }

    static func isBlank(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace || c.value < 0x20 || (0x7F...0x9F).contains(c.value) || c == "\u{FEFF}" || c == "\u{200B}"
    }

    static let models = [Zhner.tinyModel, Zhner.tinyModel.replacingOccurrences(of: "tiny-bert", with: "tiny-lstm")]

    @Test(arguments: models)
    func jsonAndHFSpansNeverEdgeOnBlanks(_ model: String) throws {
        let texts = Self.texts(count: 300, seed: 11)
        let input = Data((texts.joined(separator: "\n") + "\n").utf8)
        var checked = 0
        for format in ["jsonl", "hf"] {
            let r = try Zhner.run(["tag", "--model", model, "--format", format, "--threads", "1"], stdin: input)
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count == texts.count)
            for (text, line) in zip(texts, lines) {
                let record = try JSONSerialization.jsonObject(with: Data(line.utf8))
                let entities = format == "hf" ? record as! [[String: Any]] : (record as! [String: Any])["entities"] as! [[String: Any]]
                let scalars = Array(text.unicodeScalars)
                for e in entities {
                    let start = e["start"] as! Int
                    let end = e["end"] as! Int
                    #expect(start < end && end <= scalars.count)
                    #expect(!Self.isBlank(scalars[start]) && !Self.isBlank(scalars[end - 1]), "\(format) \(e) in \(text.debugDescription)")
                    var slice = ""
                    slice.unicodeScalars.append(contentsOf: scalars[start..<end])
                    // Foundation's JSON parser drops U+FEFF inside strings (zhner writes it), so compare without it
                    func visible(_ s: String) -> [Unicode.Scalar] { s.unicodeScalars.filter { $0 != "\u{FEFF}" } }
                    if format == "jsonl" { #expect(visible(e["text"] as! String) == visible(slice)) }
                    checked += 1
                }
            }
        }
        #expect(checked > 100, "the random texts must give entities")
    }

    @Test(arguments: models)
    func conllIsValidBIO(_ model: String) throws {
        let texts = Self.texts(count: 300, seed: 12)
        let r = try Zhner.run(["tag", "--model", model, "--format", "conll", "--threads", "1"],
                              stdin: Data((texts.joined(separator: "\n") + "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        var previous = "O"
        var begins = 0
        for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let tab = line.lastIndex(of: "\t") else {
                previous = "O"  // a blank line ends a sentence
                continue
            }
            let label = String(line[line.index(after: tab)...])
            if label.hasPrefix("I-") {
                #expect(previous != "O" && previous.dropFirst(2) == label.dropFirst(2), "\(label) after \(previous)")
            } else if label.hasPrefix("B-") {
                begins += 1
            } else {
                #expect(label == "O")
            }
            previous = label
        }
        #expect(begins > 50)
    }
}
