import Foundation
import Testing
@testable import NERCore

/// The engine against PyTorch/transformers references (Fixtures/models, made by tools/fixtures).
struct ModelGoldenTests {
    struct Case {
        let text: String
        let ids: [Int32]
        let logits: [Float]
        let viterbi: [Int]?
        let pipelineFirst: [[String: Any]]?
    }

    static func cases(_ model: String) throws -> [Case] {
        let golden = try Fixtures.json("models/\(model).golden.json")
        return (golden["cases"] as! [[String: Any]]).map { c in
            Case(text: c["text"] as! String,
                 ids: (c["input_ids"] as! [NSNumber]).map { Int32($0.intValue) },
                 logits: (c["logits"] as! [[NSNumber]]).flatMap { $0.map(\.floatValue) },
                 viterbi: (c["viterbi"] as? [NSNumber])?.map(\.intValue),
                 pipelineFirst: c["pipeline_first"] as? [[String: Any]])
        }
    }

    static func recognizer(_ dir: String, isa: ISA) throws -> Recognizer {
        try Recognizer(modelDirectory: dir, options: .init(threads: 2, maxBatchTokens: 4096, isa: isa))
    }

    static let floatModels = ["tiny-bert", "tiny-bert-f16", "tiny-bert-bf16", "tiny-bert-crf"]

    static var floatArguments: [(String, ISA)] {
        floatModels.flatMap { m in ISA.supported.map { (m, $0) } }
    }

    @Test(arguments: floatArguments)
    func floatLogitsMatchReference(_ model: String, _ isa: ISA) throws {
        let cases = try Self.cases(model)
        #expect(cases.count >= 20)
        let r = try Self.recognizer(Fixtures.path("models/\(model)"), isa: isa)
        // The tokenizer agrees with the reference ids, [CLS]/[SEP] aside.
        for c in cases {
            #expect(r.bert.tokenizer.encode(c.text).ids == Array(c.ids.dropFirst().dropLast()), "\(c.text)")
        }
        // All cases in one ragged batch: padding-free attention must equal batch-1 references.
        let got = r.logits(for: cases.map(\.ids))
        var worst: Float = 0
        for (c, g) in zip(cases, got) {
            #expect(g.count == c.logits.count)
            for (a, b) in zip(g, c.logits) { worst = max(worst, abs(a - b)) }
        }
        #expect(worst <= 1e-4, "max |Δlogit| = \(worst)")
    }

    @Test(arguments: ISA.supported)
    func crfViterbiMatchesReference(_ isa: ISA) throws {
        let r = try Self.recognizer(Fixtures.path("models/tiny-bert-crf"), isa: isa)
        let crf = try #require(r.bert.crf)
        let cases = try Self.cases("tiny-bert-crf")
        for c in cases {
            let path = c.logits.withUnsafeBufferPointer { crf.viterbi($0) }
            #expect(path == c.viterbi, "\(c.text)")
        }
    }

    @Test(arguments: ["tiny-bert", "tiny-bert-crf"])
    func int8AgreesWithFloat(_ model: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Quantizer.quantize(input: Fixtures.path("models/\(model)"), output: dir)
        let cases = try Self.cases(model)
        for isa in ISA.supported {
            let r = try Self.recognizer(dir, isa: isa)
            let l = r.labels.count
            let got = r.logits(for: cases.map(\.ids))
            var agree = 0
            var total = 0
            var dot: Double = 0
            var na: Double = 0
            var nb: Double = 0
            for (c, g) in zip(cases, got) {
                for t in 0..<(c.ids.count) {
                    let a = g[(t * l)..<((t + 1) * l)]
                    let b = c.logits[(t * l)..<((t + 1) * l)]
                    if a.indices.max(by: { a[$0] < a[$1] }) == b.indices.max(by: { b[$0] < b[$1] }) { agree += 1 }
                    total += 1
                }
                for (x, y) in zip(g, c.logits) {
                    dot += Double(x) * Double(y)
                    na += Double(x) * Double(x)
                    nb += Double(y) * Double(y)
                }
            }
            let agreement = Double(agree) / Double(total)
            let cosine = dot / (na.squareRoot() * nb.squareRoot())
            #expect(agreement >= 0.995, "\(isa): argmax agreement \(agreement)")
            #expect(cosine >= 0.999, "\(isa): cosine \(cosine)")
        }
    }

    /// Entities match transformers' pipeline(aggregation_strategy="first").
    @Test(arguments: ISA.supported)
    func entitiesMatchPipelineFirst(_ isa: ISA) throws {
        let r = try Self.recognizer(Fixtures.path("models/tiny-bert"), isa: isa)
        let cases = try Self.cases("tiny-bert").filter { $0.pipelineFirst != nil }
        #expect(cases.count >= 10)
        var compared = 0
        for c in cases {
            let want = c.pipelineFirst!.map { e in
                (type: e["entity_group"] as! String, start: (e["start"] as! NSNumber).intValue,
                 end: (e["end"] as! NSNumber).intValue, score: (e["score"] as! NSNumber).floatValue)
            }
            let got = r.recognize(c.text)
            #expect(got.map(\.type) == want.map(\.type), "\(c.text)")
            #expect(got.map(\.start) == want.map(\.start), "\(c.text)")
            #expect(got.map(\.end) == want.map(\.end), "\(c.text)")
            for (g, w) in zip(got, want) {
                #expect(abs(g.score - w.score) < 1e-4, "\(c.text): \(g.score) vs \(w.score)")
                let scalars = Array(c.text.unicodeScalars)
                var slice = ""
                slice.unicodeScalars.append(contentsOf: scalars[g.start..<g.end])
                #expect(g.text == slice)
            }
            compared += want.count
        }
        #expect(compared >= 10, "too few reference entities to compare")
    }
}
