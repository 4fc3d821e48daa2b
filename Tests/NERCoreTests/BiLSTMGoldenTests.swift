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
        /// The corpus the reference's detector picked (tiny-lstm-domains only).
        let corpus: Int?
    }

    static func cases(_ model: String = "tiny-lstm") throws -> [Case] {
        let golden = try Fixtures.json("models/\(model).golden.json")
        return (golden["cases"] as! [[String: Any]]).map { c in
            Case(text: c["text"] as! String,
                 emissions: (c["emissions"] as! [[NSNumber]]).flatMap { $0.map(\.floatValue) },
                 viterbi: (c["viterbi"] as! [NSNumber]).map(\.intValue),
                 entities: c["entities"] as! [[Any]], corpus: (c["corpus"] as? NSNumber)?.intValue)
        }
    }

    /// Each text as one window, all in one batch, conditioned on the corpus its model picks for it.
    static func emissions(_ r: Recognizer, _ texts: [String]) -> [[Float]] {
        let windows = texts.map { t in
            let scalars = Array(t.unicodeScalars)
            let e = r.model.encode(scalars[...])
            return ModelWindow(encoding: e, tokens: 0..<e.count, scalars: scalars, corpus: r.model.corpus(of: scalars))
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

    /// tiny-lstm-domains adds zhner-v2's Traditional map and corpus conditioning (detector + gate deltas).
    @Test(arguments: ISA.supported, ["tiny-lstm", "tiny-lstm-domains"])
    func emissionsViterbiAndEntitiesMatchReference(_ isa: ISA, _ model: String) throws {
        let cases = try Self.cases(model).filter { !$0.text.isEmpty }
        #expect(cases.count >= 20)
        let r = try Self.recognizer(Fixtures.path("models/\(model)"), isa: isa)
        #expect(r.hasCRF)
        if model == "tiny-lstm-domains" {
            let picked = cases.map { r.model.corpus(of: Array($0.text.unicodeScalars)) }
            #expect(picked == cases.map { $0.corpus! })
            #expect(Set(picked).count == 5, "the cases must exercise every corpus and the general id")
        }
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
        #expect(try Lexicon(file: float, maxWordLength: config.maxWordLength, classes: config.lexiconClasses, wordRows: config.lexiconWordRows) == nil)
        let text = try Lexicon(path: source + "/lexicon.txt", maxWordLength: config.maxWordLength, classes: config.lexiconClasses,
                               wordRows: config.lexiconWordRows, storage: WeightStorage(file: float))
        let compiled = try #require(try Lexicon(file: SafeTensors(path: dir + "/model.safetensors"), maxWordLength: config.maxWordLength,
                                                    classes: config.lexiconClasses, wordRows: config.lexiconWordRows))
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

    /// `zhner quantize --calibration` folds the calibration text's most frequent bigrams and (word,
    /// set) pairs (all of the texts', some, none): the lists are right, and the folded tables give
    /// what the GEMM gives.
    @Test(arguments: [0, 12, 100_000])
    func foldedTablesAgreeWithTheGEMM(_ fold: Int) throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cases = try Self.cases().filter { !$0.text.isEmpty }
        let texts = cases.map(\.text)
        let calibration = root + "/calibration.txt"
        // Twice each, so every bigram of the texts is seen the twice that makes it eligible.
        try (texts + texts).joined(separator: "\n").write(toFile: calibration, atomically: true, encoding: .utf8)
        try Quantizer.quantize(input: Fixtures.path("models/tiny-lstm"), output: root + "/plain")
        try Quantizer.quantize(input: Fixtures.path("models/tiny-lstm"), output: root + "/folded", calibration: calibration,
                               foldBigrams: fold, foldWords: fold)
        let config = try BiLSTMConfig(contentsOf: root + "/folded/config.json")
        let file = try SafeTensors(path: root + "/folded/model.safetensors")
        let ids = try BiLSTMWeights.foldList(file, BiLSTMNames.foldedBigrams, below: config.bigramVocabSize, what: "")
        let words = try BiLSTMWeights.foldList(file, BiLSTMNames.foldedWords, below: 4 * config.lexiconWordRows, what: "")
        // The most frequent first: recount the texts' bigrams.
        let vocabulary = try CharVocabulary(charsPath: root + "/folded/chars.txt", bigramsPath: root + "/folded/bigrams.txt",
                                            charCount: config.charVocabSize, bigramCount: config.bigramVocabSize)
        var counts: [Int: Int] = [:]
        for t in texts {
            let c = t.unicodeScalars.map(CharNormalizer.normalize)
            for p in 0...c.count { counts[vocabulary.bigramID(p > 0 ? c[p - 1] : config.bos, p < c.count ? c[p] : config.eos), default: 0] += 2 }
        }
        #expect(ids.count == min(fold, counts.count))
        #expect(zip(ids, ids.dropFirst()).allSatisfy { counts[$0]! >= counts[$1]! })
        if let first = ids.first { #expect(counts[first] == counts.values.max()) }
        // Words: each position of a match with its own embedding row counts for its set.
        let lexicon = try #require(try Lexicon(file: file, maxWordLength: config.maxWordLength, classes: config.lexiconClasses,
                                                   wordRows: config.lexiconWordRows))
        var wordCounts: [Int: Int] = [:]
        var matches: [Lexicon.Match] = []
        for t in texts {
            t.unicodeScalars.map(CharNormalizer.normalize).withUnsafeBufferPointer { lexicon.matches($0, into: &matches) }
            for m in matches where m.word.row >= 0 {
                for p in m.start..<(m.start + m.length) {
                    wordCounts[m.set(at: p) * config.lexiconWordRows + Int(m.word.row), default: 0] += 2
                }
            }
        }
        #expect(wordCounts.count > 12, "the texts must exercise the word folding")
        #expect(words.count == min(fold, wordCounts.count))
        #expect(zip(words, words.dropFirst()).allSatisfy { wordCounts[$0]! >= wordCounts[$1]! })
        if let first = words.first { #expect(wordCounts[first] == wordCounts.values.max()) }
        // Folded rows are int8 like the rest of the file, rounded once per row instead of through the
        // GEMM's activation and weight scales: INT8 with folding must stay as close to the float
        // reference (the golden emissions) as INT8 without it.
        for isa in ISA.supported {
            let plainRecognizer = try Self.recognizer(root + "/plain", isa: isa)
            let plain = Self.emissions(plainRecognizer, texts)
            let folded = Self.emissions(try Self.recognizer(root + "/folded", isa: isa), texts)
            let reference = cases.map(\.emissions)
            let l = plainRecognizer.labels.count
            func deviation(_ got: [[Float]]) -> (worst: Float, agree: Double) {
                var worst: Float = 0
                var agree = 0, total = 0
                for (g, want) in zip(got, reference) {
                    for (x, y) in zip(g, want) { worst = max(worst, abs(x - y)) }
                    for t in 0..<(g.count / l) {
                        let a = g[(t * l)..<((t + 1) * l)], b = want[(t * l)..<((t + 1) * l)]
                        if a.indices.max(by: { a[$0] < a[$1] }) == b.indices.max(by: { b[$0] < b[$1] }) { agree += 1 }
                        total += 1
                    }
                }
                return (worst, Double(agree) / Double(total))
            }
            let (p, f) = (deviation(plain), deviation(folded))
            #expect(f.worst <= 1.5 * p.worst + 0.01, "\(isa): folded \(f.worst) vs plain \(p.worst)")
            #expect(f.agree >= 0.995 && p.agree >= 0.995, "\(isa): argmax agreement folded \(f.agree), plain \(p.agree)")
        }
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
