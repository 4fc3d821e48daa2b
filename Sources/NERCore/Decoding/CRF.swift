import Foundation

/// A linear-chain CRF over emission scores (pytorch-crf conventions):
/// score(y) = start[y₀] + Σₜ emission[t][yₜ] + Σₜ transitions[yₜ₋₁][yₜ] + end[y_T-1].
public struct CRF: Sendable, Equatable {
    public let labels: Int
    /// transitions[i * labels + j]: score of moving from label i to label j.
    public let transitions: [Float]
    public let start: [Float]
    public let end: [Float]

    public init(labels: Int, transitions: [Float], start: [Float]? = nil, end: [Float]? = nil) {
        precondition(transitions.count == labels * labels)
        self.labels = labels
        self.transitions = transitions
        self.start = start ?? [Float](repeating: 0, count: labels)
        self.end = end ?? [Float](repeating: 0, count: labels)
    }

    /// The highest-scoring label sequence for `emissions` (T rows of `labels`).
    /// Ties go to the lowest label id, as `argmax` does.
    public func viterbi(_ emissions: UnsafeBufferPointer<Float>) -> [Int] {
        let l = labels
        let t = emissions.count / l
        guard t > 0 else { return [] }
        var score = (0..<l).map { start[$0] + emissions[$0] }
        var back = [Int32](repeating: 0, count: t * l)
        var next = score
        for step in 1..<max(t, 1) {
            for j in 0..<l {
                var best = -Float.infinity
                var arg = 0
                for i in 0..<l {
                    let s = score[i] + transitions[i * l + j]
                    if s > best {
                        best = s
                        arg = i
                    }
                }
                next[j] = best + emissions[step * l + j]
                back[step * l + j] = Int32(arg)
            }
            swap(&score, &next)
        }
        var last = 0
        var best = -Float.infinity
        for j in 0..<l where score[j] + end[j] > best {
            best = score[j] + end[j]
            last = j
        }
        var path = [Int](repeating: 0, count: t)
        path[t - 1] = last
        for step in stride(from: t - 1, to: 0, by: -1) {
            path[step - 1] = Int(back[step * l + path[step]])
        }
        return path
    }

    /// Per-position marginal probabilities P(yₜ = j | x) by forward-backward in log space:
    /// the confidence of each label of a decoded path.
    ///
    /// Each step's α and β are shifted by their own log-sum-exp, so they stay near 0 however long
    /// the sequence is. Unshifted, they grow with the length (≈ 10⁵ after a few thousand tokens), and
    /// Float32 keeps only ≈ 7 digits: α + β − log Z then carried rounding errors of whole units, and
    /// an unbroken 5,000-character text scored 5.4, a 50,000-character one `inf`. The shifts cancel
    /// when each position is normalised over its labels, so no log Z is needed.
    public func marginals(_ emissions: UnsafeBufferPointer<Float>) -> [Float] {
        let l = labels
        let t = emissions.count / l
        guard t > 0 else { return [] }
        var alpha = [Float](repeating: 0, count: t * l)
        var beta = [Float](repeating: 0, count: t * l)
        var terms = [Float](repeating: 0, count: l)
        for j in 0..<l { alpha[j] = start[j] + emissions[j] }
        shiftToLogSumZero(&alpha, row: 0, labels: l, scratch: &terms)
        for step in 1..<max(t, 1) {
            for j in 0..<l {
                for i in 0..<l { terms[i] = alpha[(step - 1) * l + i] + transitions[i * l + j] }
                alpha[step * l + j] = logSumExp(terms) + emissions[step * l + j]
            }
            shiftToLogSumZero(&alpha, row: step, labels: l, scratch: &terms)
        }
        for j in 0..<l { beta[(t - 1) * l + j] = end[j] }
        shiftToLogSumZero(&beta, row: t - 1, labels: l, scratch: &terms)
        for step in stride(from: t - 2, through: 0, by: -1) {
            for i in 0..<l {
                for j in 0..<l {
                    terms[j] = transitions[i * l + j] + emissions[(step + 1) * l + j] + beta[(step + 1) * l + j]
                }
                beta[step * l + i] = logSumExp(terms)
            }
            shiftToLogSumZero(&beta, row: step, labels: l, scratch: &terms)
        }
        var out = [Float](repeating: 0, count: t * l)
        for step in 0..<t {
            for j in 0..<l { terms[j] = alpha[step * l + j] + beta[step * l + j] }
            let z = logSumExp(terms)
            // min(1, …) guards only the last ulp of the division; the shifted terms cannot overflow
            for j in 0..<l { out[step * l + j] = min(1, expf(terms[j] - z)) }
        }
        return out
    }

    /// Subtracts the log-sum-exp of `row` from each of its entries (a no-op on an all −∞ row).
    private func shiftToLogSumZero(_ a: inout [Float], row: Int, labels l: Int, scratch: inout [Float]) {
        for j in 0..<l { scratch[j] = a[row * l + j] }
        let c = logSumExp(scratch)
        guard c.isFinite else { return }
        for j in 0..<l { a[row * l + j] -= c }
    }
}

func logSumExp(_ xs: [Float]) -> Float {
    let m = xs.max() ?? -Float.infinity
    guard m.isFinite else { return m }
    var s: Float = 0
    for x in xs { s += expf(x - m) }
    return m + logf(s)
}
