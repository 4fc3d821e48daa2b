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

    /// Forward-backward in Double log space: exact enough at 50,000 steps (α ≈ 10⁶ keeps 10 digits)
    /// to check the Float32 version where unshifted sums lost whole units.
    func referenceMarginals(_ crf: CRF, _ em: [Float]) -> [Double] {
        let l = crf.labels
        let t = em.count / l
        func lse(_ xs: [Double]) -> Double {
            let m = xs.max()!
            return m + log(xs.map { exp($0 - m) }.reduce(0, +))
        }
        var alpha = [Double](repeating: 0, count: t * l)
        var beta = [Double](repeating: 0, count: t * l)
        for j in 0..<l { alpha[j] = Double(crf.start[j] + em[j]) }
        for s in 1..<t {
            for j in 0..<l {
                alpha[s * l + j] = lse((0..<l).map { alpha[(s - 1) * l + $0] + Double(crf.transitions[$0 * l + j]) })
                    + Double(em[s * l + j])
            }
        }
        for j in 0..<l { beta[(t - 1) * l + j] = Double(crf.end[j]) }
        for s in stride(from: t - 2, through: 0, by: -1) {
            for i in 0..<l {
                beta[s * l + i] = lse((0..<l).map {
                    Double(crf.transitions[i * l + $0]) + Double(em[(s + 1) * l + $0]) + beta[(s + 1) * l + $0]
                })
            }
        }
        let z = lse((0..<l).map { alpha[(t - 1) * l + $0] + Double(crf.end[$0]) })
        return (0..<(t * l)).map { exp(alpha[$0] + beta[$0] - z) }
    }

    /// A long unbroken text is one long sequence: 5,000 characters used to score 5.4 and 50,000 `inf`.
    @Test(arguments: [5_000, 50_000])
    func longSequenceMarginalsAreProbabilities(_ length: Int) {
        var rng = SplitMix(state: 7)
        let l = 5
        let crf = CRF(labels: l, transitions: (0..<(l * l)).map { _ in rng.float(4) },
                      start: (0..<l).map { _ in rng.float() }, end: (0..<l).map { _ in rng.float() })
        // large, repetitive emissions, as a run of one character gives
        let row = (0..<l).map { _ in rng.float(12) }
        let em = (0..<length).flatMap { _ in row }
        let marginals = em.withUnsafeBufferPointer { crf.marginals($0) }
        let reference = referenceMarginals(crf, em)
        var worst = 0.0
        for t in 0..<length {
            var sum = 0.0
            for j in 0..<l {
                let p = Double(marginals[t * l + j])
                #expect(p >= 0 && p <= 1)
                sum += p
                worst = max(worst, abs(p - reference[t * l + j]))
            }
            #expect(abs(sum - 1) < 1e-4)
        }
        #expect(worst < 1e-4)
    }

    @Test func emptyInput() {
        let crf = CRF(labels: 2, transitions: [0, 0, 0, 0])
        #expect([Float]().withUnsafeBufferPointer { crf.viterbi($0) } == [])
    }
}
