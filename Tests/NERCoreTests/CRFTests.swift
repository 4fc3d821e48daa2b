import Foundation
import Testing
@testable import NERCore

/// Viterbi and marginals against brute force over every label sequence of a small problem.
struct CRFTests {
    func score(_ path: [Int], _ crf: CRF, _ em: [Float]) -> Float {
        let l = crf.labels
        var s = crf.start[path[0]] + em[path[0]]
        for t in 1..<path.count { s += crf.transitions[path[t - 1] * l + path[t]] + em[t * l + path[t]] }
        return s + crf.end[path.last!]
    }

    func allPaths(length: Int, labels: Int) -> [[Int]] {
        var out: [[Int]] = [[]]
        for _ in 0..<length { out = out.flatMap { p in (0..<labels).map { p + [$0] } } }
        return out
    }

    @Test(arguments: [1, 2, 5])
    func viterbiAndMarginalsMatchBruteForce(_ length: Int) {
        var rng = SplitMix(state: UInt64(length))
        let l = 3
        let crf = CRF(labels: l, transitions: (0..<(l * l)).map { _ in rng.float(2) },
                      start: (0..<l).map { _ in rng.float() }, end: (0..<l).map { _ in rng.float() })
        let em = (0..<(length * l)).map { _ in rng.float(3) }
        let paths = allPaths(length: length, labels: l)
        let best = paths.max { score($0, crf, em) < score($1, crf, em) }!
        #expect(em.withUnsafeBufferPointer { crf.viterbi($0) } == best)

        let z = paths.map { Double(exp(score($0, crf, em))) }.reduce(0, +)
        let marginals = em.withUnsafeBufferPointer { crf.marginals($0) }
        for t in 0..<length {
            for j in 0..<l {
                let p = paths.filter { $0[t] == j }.map { Double(exp(score($0, crf, em))) }.reduce(0, +) / z
                #expect(abs(Double(marginals[t * l + j]) - p) < 1e-4)
            }
        }
    }

    @Test func emptyInput() {
        let crf = CRF(labels: 2, transitions: [0, 0, 0, 0])
        #expect([Float]().withUnsafeBufferPointer { crf.viterbi($0) } == [])
    }
}
