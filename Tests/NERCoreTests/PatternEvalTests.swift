import Foundation
import Testing
@testable import NERCore

/// The recognizers on the synthetic evaluation set (tools/patterns/make_eval.py): per-type
/// precision and recall, and no INVALID value (wrong check digit, impossible date, a number inside
/// a longer run) reported as anything.
struct PatternEvalTests {
    @Test func syntheticEvaluationSet() throws {
        let sentences = try CorpusFormat.read(Fixtures.path("patterns/eval.tsv"), format: .bio, map: nil)
        #expect(sentences.count >= 2000)
        var scores = EntityScores()
        var invalidReported: [String] = []
        var errors: [String] = []
        for s in sentences {
            let found = PatternRecognizer.find(in: s.text)
            let invalid = s.entities.filter { $0.type == "INVALID" }
            let gold = s.entities.filter { $0.type != "INVALID" }
            let predicted = found.map { EntityScores.Span(type: $0.type, start: $0.start, end: $0.end) }
            for e in found where invalid.contains(where: { $0.start < e.end && e.start < $0.end }) {
                invalidReported.append("\(e.type) \(e.text) in \(s.text)")
            }
            if Set(gold) != Set(predicted), errors.count < 30 {
                errors.append("\(s.text): gold \(gold.map { "\($0.type)@\($0.start)-\($0.end)" }) found \(found.map { "\($0.type):\($0.text)" })")
            }
            scores.add(gold: gold, predicted: predicted)
        }
        #expect(invalidReported.isEmpty, "\(invalidReported.prefix(20))")
        for type in PatternType.allCases.map(\.rawValue) {
            let c = scores.byType[type] ?? EntityScores.Counts()
            print("pattern eval \(type): precision \(c.precision) recall \(c.recall) (gold \(c.gold), predicted \(c.predicted))")
            #expect(c.gold >= 100, "\(type) has too few examples")
            #expect(c.precision >= 0.99 && c.recall >= 0.98, "\(type): P \(c.precision) R \(c.recall); first errors: \(errors)")
        }
    }
}
