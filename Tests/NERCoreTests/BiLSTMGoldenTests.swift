import Foundation
import Testing
@testable import NERCore

/// The BiLSTM-CRF architecture against its PyTorch reference (tools/train/make_golden.py).
struct BiLSTMGoldenTests {
    struct Case {
        let text: String
        let emissions: [Float]
        let viterbi: [Int]
        let entities: [[Any]]
    }

    static func cases() throws -> [Case] {
        let golden = try Fixtures.json("models/tiny-lstm.golden.json")
        return (golden["cases"] as! [[String: Any]]).map { c in
            Case(text: c["text"] as! String,
                 emissions: (c["emissions"] as! [[NSNumber]]).flatMap { $0.map(\.floatValue) },
                 viterbi: (c["viterbi"] as! [NSNumber]).map(\.intValue),
                 entities: c["entities"] as! [[Any]])
        }
    }

    /// Each text as one window, all in one batch.
    static func emissions(_ r: Recognizer, _ texts: [String]) -> [[Float]] {
        let windows = texts.map { t in
            let scalars = Array(t.unicodeScalars)
            let e = r.model.encode(scalars[...])
            return ModelWindow(encoding: e, tokens: 0..<e.count, scalars: scalars)
        }
        var out = [[Float]](repeating: [], count: texts.count)
        r.model.emissions(windows) { i, rows in
            out[i] = Array(UnsafeBufferPointer(start: rows, count: windows[i].tokens.count * r.labels.count))
        }
        return out
    }

    static func recognizer(_ dir: String, isa: ISA) throws -> Recognizer {
        try Recognizer(modelDirectory: dir, options: .init(threads: 2, isa: isa))
    }

    @Test(arguments: ISA.supported)
    func emissionsViterbiAndEntitiesMatchReference(_ isa: ISA) throws {
        let cases = try Self.cases().filter { !$0.text.isEmpty }
        #expect(cases.count >= 20)
        let r = try Self.recognizer(Fixtures.path("models/tiny-lstm"), isa: isa)
        #expect(r.hasCRF)
        let got = Self.emissions(r, cases.map(\.text))
        var worst: Float = 0
        for (c, g) in zip(cases, got) {
            #expect(g.count == c.emissions.count, "\(c.text)")
            for (a, b) in zip(g, c.emissions) { worst = max(worst, abs(a - b)) }
            #expect(g.withUnsafeBufferPointer { r.model.crf!.viterbi($0) } == c.viterbi, "\(c.text)")
            let entities = r.recognize(c.text)
            let want = c.entities.map { "\($0[0]) \($0[1]) \($0[2])" }
            #expect(entities.map { "\($0.type) \($0.start) \($0.end)" } == want, "\(c.text)")
        }
        #expect(worst <= 1e-4, "max |Δemission| = \(worst)")
    }

    @Test func emptyTextHasNoEntities() throws {
        let r = try Self.recognizer(Fixtures.path("models/tiny-lstm"), isa: ISA.best)
        #expect(r.recognize("") == [])
        #expect(r.recognize(batch: ["", "北京"]).count == 2)
    }

    /// The trie `zhner quantize` compiles into the INT8 file finds exactly the words lexicon.txt gives.
    @Test func compiledLexiconMatchesText() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = Fixtures.path("models/tiny-lstm")
        try Quantizer.quantize(input: source, output: dir)
        // Compiled in, so the INT8 folder does not carry the source (the other tests load it without).
        #expect(!FileManager.default.fileExists(atPath: dir + "/lexicon.txt"))
        let config = try BiLSTMConfig(contentsOf: source + "/config.json")
        let float = try SafeTensors(path: source + "/model.safetensors")
        #expect(try Lexicon(file: float, maxWordLength: config.maxWordLength) == nil)
        let text = try Lexicon(path: source + "/lexicon.txt", maxWordLength: config.maxWordLength, classes: config.lexiconClasses,
                               wordRows: config.lexiconWordRows, storage: WeightStorage(file: float))
        let compiled = try #require(try Lexicon(file: SafeTensors(path: dir + "/model.safetensors"), maxWordLength: config.maxWordLength))
        var total = 0
        for c in try Self.cases() {
            let chars = c.text.unicodeScalars.map { CharNormalizer.normalize($0) }
            var a: [Lexicon.Match] = []
            var b: [Lexicon.Match] = []
            chars.withUnsafeBufferPointer {
                text.matches($0, into: &a)
                compiled.matches($0, into: &b)
            }
            #expect(a == b, "\(c.text)")
            total += a.count
        }
        #expect(total > 50)
    }

    @Test func int8AgreesWithFloat() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Quantizer.quantize(input: Fixtures.path("models/tiny-lstm"), output: dir)
        let cases = try Self.cases().filter { !$0.text.isEmpty }
        for isa in ISA.supported {
            let r = try Self.recognizer(dir, isa: isa)
            let l = r.labels.count
            let got = Self.emissions(r, cases.map(\.text))
            var agree = 0
            var total = 0
            for (c, g) in zip(cases, got) {
                for t in 0..<(g.count / l) {
                    let a = g[(t * l)..<((t + 1) * l)]
                    let b = c.emissions[(t * l)..<((t + 1) * l)]
                    if a.indices.max(by: { a[$0] < a[$1] }) == b.indices.max(by: { b[$0] < b[$1] }) { agree += 1 }
                    total += 1
                }
            }
            #expect(Double(agree) / Double(total) >= 0.995, "\(isa): \(agree)/\(total)")
        }
    }
}
