import Foundation
import Testing
import ZhnerTestSupport

/// `--encoding`: GB18030/GBK and UTF-16 input tags as its UTF-8 equivalent does (same text, same
/// code-point offsets); a BOM is never part of the text; undecodable bytes name line and offset.
struct TagEncodingTests {
    static let text = "张伟在北京工作。\n欢迎来到上海😀"
    /// `text` in GB18030 (iconv -t gb18030): two bytes per Han character, four for the emoji.
    static let gb18030: [UInt8] = [0xd5, 0xc5, 0xce, 0xb0, 0xd4, 0xda, 0xb1, 0xb1, 0xbe, 0xa9, 0xb9, 0xa4, 0xd7, 0xf7, 0xa1, 0xa3, 0x0a,
                                   0xbb, 0xb6, 0xd3, 0xad, 0xc0, 0xb4, 0xb5, 0xbd, 0xc9, 0xcf, 0xba, 0xa3, 0x94, 0x39, 0xfc, 0x36]

    static func tag(_ bytes: [UInt8], _ extra: [String] = []) throws -> Zhner.Result {
        try Zhner.run(["tag", "--model", Zhner.tinyModel] + extra, stdin: Data(bytes))
    }

    static func utf16(_ s: String, bigEndian: Bool) -> [UInt8] {
        (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) + s.utf16.flatMap { u in
            bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)]
        }
    }

    @Test func gb18030FileTagsAsItsUTF8Text() throws {
        let expected = try Self.tag(Array(Self.text.utf8))
        #expect(expected.status == 0)
        #expect(expected.stdout.contains("\"text\": \"欢迎来到上海😀\""))
        let dir = try Zhner.scratchDirectory("zhner-gb")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.gb18030).write(to: URL(fileURLWithPath: dir + "/in.txt"))
        // GB18030's own BOM (U+FEFF as 84 31 95 33) is skipped like UTF-8's, not kept as U+FEFF.
        try Data([0x84, 0x31, 0x95, 0x33] + Self.gb18030).write(to: URL(fileURLWithPath: dir + "/bom.txt"))
        for encoding in ["gb18030", "auto"] {
            for file in ["in.txt", "bom.txt"] {
                let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--encoding", encoding, "--input", dir + "/" + file])
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout == expected.stdout, "\(encoding) \(file)")
            }
        }
        // GBK is GB18030's two-byte subset: the Han line reads the same.
        let gbk = try Self.tag(Array(Self.gb18030.prefix(17)), ["--encoding", "gbk"])
        #expect(gbk.stdout == String(expected.stdout.split(separator: "\n")[0]) + "\n", "\(gbk.stderr)")
        // Read as UTF-8 (the default) it is refused, with the way in.
        let plain = try Self.tag(Self.gb18030)
        #expect(plain.status == 65)
        #expect(plain.stderr.contains("stdin line 1 is not valid UTF-8 at byte offset 0 (0xD5)"), "\(plain.stderr)")
        #expect(plain.stderr.contains("pass --encoding"))
    }

    @Test(arguments: [false, true])
    func utf16WithBOMTagsAsItsUTF8Text(_ bigEndian: Bool) throws {
        let expected = try Self.tag(Array(Self.text.utf8))
        for encoding in ["utf-16", "auto"] {
            let r = try Self.tag(Self.utf16(Self.text + "\r\n", bigEndian: bigEndian), ["--encoding", encoding])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == expected.stdout, "\(encoding) big-endian: \(bigEndian)")
        }
    }

    @Test(arguments: ["utf-8", "auto"])
    func utf8BOMIsNotPartOfTheText(_ encoding: String) throws {
        let expected = try Self.tag(Array(Self.text.utf8))
        let r = try Self.tag([0xEF, 0xBB, 0xBF] + Array(Self.text.utf8), ["--encoding", encoding])
        #expect(r.status == 0, "\(r.stderr)")
        // Same text and offsets: line 1 starts at 张, not at U+FEFF.
        #expect(r.stdout == expected.stdout)
        #expect(r.stdout.hasPrefix("{\"text\": \"张伟"))
        // The default encoding too, without --encoding.
        #expect(try Self.tag([0xEF, 0xBB, 0xBF] + Array(Self.text.utf8)).stdout == expected.stdout)
    }

    @Test(arguments: [
        (["--encoding", "utf-8"], Array("好的\n北京".utf8) + [0xE4, 0xB8, 0x41, 0x0A], "line 2 is not valid UTF-8 at byte offset 13 (0xE4 0xB8)"),
        (["--encoding", "gb18030"], [0xBA, 0xC3, 0x0A, 0xB1, 0xB1, 0xFF, 0x0A], "line 2 is not valid GB18030 at byte offset 5 (0xFF)"),
        (["--encoding", "gbk"], [0xBA, 0xC3, 0x0A, 0x94, 0x39, 0xFC, 0x36], "line 2 is not valid GBK at byte offset 3"),
        // An unpaired high surrogate (D800) after 好: offset 2 (BOM) + 2.
        (["--encoding", "utf-16"], [0xFF, 0xFE, 0x7D, 0x59, 0x00, 0xD8, 0x0A, 0x00], "line 1 is not valid UTF-16LE at byte offset 4 (0x00 0xD8)"),
        (["--encoding", "utf-16"], [0xFF, 0xFE, 0x7D, 0x59, 0x0A, 0x00, 0x41], "line 2 is not valid UTF-16LE at byte offset 6 (0x41)"),
        (["--encoding", "auto"], Array("ok\n".utf8) + [0xFF, 0xFE, 0x0A], "line 2 is not valid UTF-8 or GB18030 (--encoding auto) at byte offset 3 (0xFF 0xFE)"),
    ] as [([String], [UInt8], String)])
    func invalidBytesNameLineAndByteOffset(_ args: [String], _ bytes: [UInt8], _ message: String) throws {
        let r = try Self.tag(bytes, args)
        #expect(r.status == 65)
        #expect(r.stderr.contains("zhner: stdin " + message), "\(r.stderr)")
        // The lines before the bad one are written.
        #expect(r.stdout.split(separator: "\n").count == (message.hasPrefix("line 2") ? 1 : 0))
    }

    /// `auto` sticks to the encoding the first non-ASCII line showed: a file is one encoding.
    @Test func autoDecidesOnTheFirstNonASCIILine() throws {
        let r = try Self.tag(Array("ascii first\n北京\n".utf8) + [0xB1, 0xB1, 0x0A], ["--encoding", "auto"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("stdin line 3 is not valid UTF-8 (chosen by --encoding auto from line 2) at byte offset 19 (0xB1)"), "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2)
    }

    @Test func evalReadsAGB18030Corpus() throws {
        let dir = try Zhner.scratchDirectory("zhner-eval-gb")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 北\tB-LOC / 京\tI-LOC / blank / 张\tB-PER
        let gb: [UInt8] = [0xB1, 0xB1, 0x09] + Array("B-LOC\n".utf8) + [0xBE, 0xA9, 0x09] + Array("I-LOC\n\n".utf8)
            + [0xD5, 0xC5, 0x09] + Array("B-PER\n".utf8)
        try Data(gb).write(to: URL(fileURLWithPath: dir + "/c.tsv"))
        try "北\tB-LOC\n京\tI-LOC\n\n张\tB-PER\n".write(toFile: dir + "/u.tsv", atomically: true, encoding: .utf8)
        let utf8 = try Zhner.run(["eval", "--data", dir + "/u.tsv", "--model", Zhner.tinyModel, "--json"])
        let decoded = try Zhner.run(["eval", "--data", dir + "/c.tsv", "--model", Zhner.tinyModel, "--json", "--encoding", "gb18030"])
        #expect(decoded.status == 0, "\(decoded.stderr)")
        func scores(_ r: Zhner.Result) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        }
        #expect(try scores(decoded)["overall"] as? NSDictionary == scores(utf8)["overall"] as? NSDictionary)
        let refused = try Zhner.run(["eval", "--data", dir + "/c.tsv", "--model", Zhner.tinyModel])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("\(dir)/c.tsv line 1 is not valid UTF-8 at byte offset 0"), "\(refused.stderr)")
    }
}
