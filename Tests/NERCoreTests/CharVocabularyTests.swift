import Foundation
import Testing
@testable import NERCore

/// chars.txt / bigrams.txt: line k is row k, read as bytes; a damaged file is an error naming it.
struct CharVocabularyTests {
    static let model = Fixtures.path("models/tiny-lstm")

    static func load(_ dir: String) throws -> CharVocabulary {
        let config = try BiLSTMConfig(contentsOf: model + "/config.json")
        return try CharVocabulary(charsPath: dir + "/chars.txt", bigramsPath: dir + "/bigrams.txt",
                                  charCount: config.charVocabSize, bigramCount: config.bigramVocabSize)
    }

    @Test func linesAreRows() throws {
        let vocabulary = try Self.load(Self.model)
        let chars = try String(contentsOfFile: Self.model + "/chars.txt", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let bigrams = try String(contentsOfFile: Self.model + "/bigrams.txt", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for (k, line) in chars.enumerated() where k > 0 && !line.isEmpty {
            #expect(vocabulary.charID(line.unicodeScalars.first!.value) == k)
        }
        for (k, line) in bigrams.enumerated() where k > 0 && !line.isEmpty {
            let s = Array(line.unicodeScalars)
            #expect(vocabulary.bigramID(s[0].value, s[1].value) == k)
        }
        #expect(vocabulary.charID(0x10FFFF) == 0)
    }

    @Test(arguments: [
        ("chars.txt", Data("[UNK]\nab\n".utf8), "line 2 should hold 1 character(s)"),
        ("chars.txt", Data("[UNK]\n".utf8) + Data([0xE4, 0xB8]) + Data("\n".utf8), "line 2 is not UTF-8"),
        ("bigrams.txt", Data("[UNK]\nab\n".utf8), "has 2 entries, config.json says 180"),
        ("bigrams.txt", Data("[UNK]\na\n".utf8), "line 2 should hold 2 character(s)"),
        // CRLF: "\r" is a character of its own (lines split on "\n" only), so the line is too long.
        ("chars.txt", Data("[UNK]\r\na\r\n".utf8), "line 2 should hold 1 character(s)"),
        ("chars.txt", try! Data(contentsOf: URL(fileURLWithPath: model + "/chars.txt")) + Data("Z\n".utf8),
         "has more entries than the 146 config.json says"),
    ])
    func damagedFilesAreErrors(_ file: String, _ content: Data, _ message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["chars.txt", "bigrams.txt"] {
            try FileManager.default.copyItem(atPath: Self.model + "/" + name, toPath: dir + "/" + name)
        }
        try content.write(to: URL(fileURLWithPath: dir + "/" + file))
        do {
            _ = try Self.load(dir)
            Issue.record("\(file) loaded")
        } catch let error as NERError {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.contains(file), "\(error)")
        }
    }
}
