import Foundation
import Testing
@testable import NERCore

/// Long texts are never truncated: windows and sentences merge back into one exact answer.
struct LongTextTests {
    static let recognizer: Recognizer = {
        try! Recognizer(modelDirectory: Fixtures.path("models/tiny-bert"), options: .init(threads: 2))
    }()

    func slice(_ scalars: [Unicode.Scalar], _ r: Range<Int>) -> String {
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars[r])
        return s
    }

    /// Token labels of each sentence of the fixture text equal PyTorch's for that sentence alone.
    @Test func sentenceLabelsMatchReference() throws {
        let golden = try Fixtures.json("models/long_text.json")
        let text = golden["text"] as! String
        let sentences = golden["sentences"] as! [[String: Any]]
        let r = Self.recognizer
        let doc = r.prepare(text)
        #expect(doc.sentences.count == sentences.count)
        let ids = doc.sentences.map { [r.bert.tokenizer.clsID] + $0.encoding.ids + [r.bert.tokenizer.sepID] }
        let logits = r.logits(for: ids)
        for (i, s) in sentences.enumerated() where i < doc.sentences.count {
            #expect(ids[i] == (s["input_ids"] as! [NSNumber]).map { Int32($0.intValue) })
            let l = r.labels.count
            let labels = (1..<(ids[i].count - 1)).map { t in
                (0..<l).max { logits[i][t * l + $0] < logits[i][t * l + $1] }!
            }
            #expect(labels == (s["label_ids"] as! [NSNumber]).map(\.intValue), "sentence \(i)")
        }
    }

    /// A 100,000-character text gives the entities of its sentences tagged one by one.
    @Test func hundredThousandCharactersEqualSentenceBySentence() throws {
        let base = try Fixtures.json("models/long_text.json")["text"] as! String
        var text = ""
        while text.unicodeScalars.count < 100_000 { text += base }
        let scalars = Array(text.unicodeScalars)
        #expect(scalars.count >= 100_000)
        let r = Self.recognizer
        let whole = r.recognize(text)
        var expected: [Entity] = []
        var perSentence: [String] = []
        let ranges = SentenceSplitter.split(scalars[...])
        for range in ranges { perSentence.append(slice(scalars, range)) }
        for (range, found) in zip(ranges, r.recognize(batch: perSentence)) {
            for var e in found {
                e.start += range.lowerBound
                e.end += range.lowerBound
                expected.append(e)
            }
        }
        #expect(whole.count > 1000)
        #expect(whole == expected)
    }

    /// A sentence longer than the window: entities are disjoint, in order, inside the text, and
    /// one that straddles a window boundary is reported once.
    @Test func entitiesStraddlingWindowBoundariesAreFoundOnce() throws {
        let r = Self.recognizer
        let pieces = ["张伟", "在", "北京", "和", "上海", "之间", "往返", "，", "联合国", "代表", "李明", "与", "华为公司"]
        var straddling = 0
        for seed in 0..<20 {
            var rng = SplitMix(state: UInt64(seed))
            var text = ""
            while text.unicodeScalars.count < 400 { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let scalars = Array(text.unicodeScalars)
            let doc = r.prepare(text)
            #expect(doc.sentences.count == 1)
            let sentence = doc.sentences[0]
            #expect(sentence.windows.count > 5)
            let cuts = sentence.windows.dropFirst().map { Int(sentence.encoding.starts[$0.core.lowerBound]) }
            let entities = r.recognize(text)
            for (a, b) in zip(entities, entities.dropFirst()) { #expect(a.end <= b.start) }
            for e in entities {
                #expect(0 <= e.start && e.start < e.end && e.end <= scalars.count)
                #expect(e.text == slice(scalars, e.start..<e.end))
            }
            for cut in cuts {
                let across = entities.filter { $0.start < cut && cut < $0.end }
                #expect(across.count <= 1)
                straddling += across.count
            }
        }
        #expect(straddling > 0, "no entity crossed a window boundary; the test proves nothing")
    }

    @Test func piecesAddUpToTheWholeText() throws {
        let base = try Fixtures.json("models/long_text.json")["text"] as! String
        let r = Self.recognizer
        for text in [base, "北京", "", String(repeating: "上海浦东", count: 100)] {
            var entities: [Entity] = []
            var progress: [Int] = []
            r.recognize(text, pieceTokens: 200) { found, done, total in
                entities += found
                progress.append(done)
                #expect(total == text.unicodeScalars.count)
            }
            #expect(entities == r.recognize(text))
            #expect(progress == progress.sorted())
            #expect(progress.last == text.unicodeScalars.count)
            if text == base { #expect(progress.count > 5) }
        }
    }

    @Test func emptyAndBlankTexts() {
        let r = Self.recognizer
        #expect(r.recognize("") == [])
        #expect(r.recognize(" \n\t\u{3000}") == [])
        #expect(r.recognize(batch: ["", "北京", ""]).count == 3)
    }

    @Test func batchEqualsOneByOneAndThreadsAgree() throws {
        let r = Self.recognizer
        let golden = try Fixtures.json("models/long_text.json")
        let texts = (golden["sentences"] as! [[String: Any]]).prefix(40).map { s in
            let scalars = Array((golden["text"] as! String).unicodeScalars)
            return slice(scalars, (s["start"] as! Int)..<(s["end"] as! Int))
        }
        let single = texts.map { r.recognize($0) }
        #expect(r.recognize(batch: texts) == single)
        let results = ResultBox(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            results.set(i, r.recognize(batch: texts))
        }
        for i in 0..<16 { #expect(results.get(i) == single) }
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[[Entity]]?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: [[Entity]]) { lock.withLock { values[i] = v } }
    func get(_ i: Int) -> [[Entity]]? { lock.withLock { values[i] } }
}

/// A long text held whole but run part by part (`zhner tag`'s lines over 1 MiB): the same final
/// entities as run whole, lexicon and patterns included, when its parts end at sentence ends.
@Test func partsGiveTheWholeTextsEntities() throws {
    let base = try Fixtures.json("models/long_text.json")["text"] as! String
    var text = ""
    while text.unicodeScalars.count < 20_000 { text += base + "电话13812345678。" }
    let r = LongTextTests.recognizer
    let lexicon = try UserLexicon(parsing: "北京\tLOC\n", name: "test")
    let patterns = PatternMode.all.types(filter: nil)
    let whole = OutputEntities.finalEntities(text: text, model: r.recognize(text), lexicon: lexicon, patternTypes: patterns, types: nil)
    let parts = r.finalEntities(partsOf: text, partCharacters: 1_000, lexicon: lexicon, patternTypes: patterns, types: nil)
    #expect(whole.count > 500 && whole.contains { $0.type == "PHONE" })
    #expect(parts == whole)
}
