// The C kernels against naive Swift references, on every ISA path this CPU runs.
// INT8 GEMM must match the exact int32 reference bit for bit on every path (so the paths agree
// with each other); float kernels are held to the accuracy the header promises.
import CKernels
import Foundation
import Testing
@testable import NERCore

/// Written into output padding to prove kernels leave it alone.
let sentinel: Float = -12345.5

func roundUp(_ x: Int, _ m: Int32) -> Int { Int(zk_round_up(Int32(x), m)) }

@Test func dispatchReportsUsableISAs() {
    #expect(zk_isa_supported(ZK_ISA_SCALAR) == 1)
    #expect(zk_isa_supported(zk_best_isa()) == 1)
    #expect(ISA.supported.last == ISA.best)
}

@Test func quantizeRowsRoundsHalfAwayAndPads() {
    let M = 4, K = 13, lda = K + 2, Kp = roundUp(K, ZK_KGROUP), ldq = Kp + 3
    var rng = SplitMix(state: 7)
    var A = (0..<M * lda).map { _ in rng.float(3) }
    for k in 0..<K { A[lda + k] = 0 }  // all-zero row: scale 1
    for k in 0..<K { A[2 * lda + k] = Float(k) - 6.5 }  // ties at scale 1 once the max is 127
    A[2 * lda] = 127
    var Q = [Int8](repeating: 0x55, count: M * ldq)
    var scales = [Float](repeating: 0, count: M)
    zk_quantize_rows_s8(Int32(M), Int32(K), A, Int32(lda), &Q, Int32(ldq), &scales)
    var mismatches = 0
    for m in 0..<M {
        let row = A[(m * lda)..<(m * lda + K)]
        let amax = row.map(abs).max() ?? 0
        let scale: Float = amax > 0 ? amax / 127 : 1
        #expect(scales[m] == scale)
        for k in 0..<ldq {
            let want: Int8
            if k < K {
                want = Int8(min(max((A[m * lda + k] / scale).rounded(), -127), 127))
            } else {
                want = k < Kp ? 0 : 0x55
            }
            if Q[m * ldq + k] != want { mismatches += 1 }
        }
    }
    #expect(mismatches == 0)
    #expect(Q[2 * ldq + 1] == -6 && Q[2 * ldq + 2] == -5)  // -5.5 -> -6, -4.5 -> -5
}

/// A random int8 GEMM problem in the kernel's layouts: W (N×K), activation rows Q (M×K, stride ldq,
/// padding zeroed), per-row and per-column scales drawn from [scale, 11·scale), bias in [-biasScale, biasScale).
struct S8GEMMCase {
    let M: Int, N: Int, K: Int, ldq: Int, ldc: Int
    let W: [Int8], Q: [Int8]
    let aScale: [Float], wScale: [Float], bias: [Float]
    let packed: [Int8], colsums: [Int32]

    init(M: Int, N: Int, K: Int, rng: inout SplitMix, scale: Float = 0.001, biasScale: Float = 1,
         zeroRows: Set<Int> = [])
    {
        self.M = M
        self.N = N
        self.K = K
        ldq = roundUp(K, ZK_KGROUP) + 4
        ldc = N + 3
        W = (0..<N * K).map { _ in rng.int8() }
        var Q = [Int8](repeating: 0, count: M * ldq)
        for m in 0..<M where !zeroRows.contains(m) {
            for k in 0..<K { Q[m * ldq + k] = rng.int8() }
        }
        self.Q = Q
        aScale = (0..<M).map { _ in scale + abs(rng.float(10 * scale)) }
        wScale = (0..<N).map { _ in scale + abs(rng.float(10 * scale)) }
        bias = (0..<N).map { _ in rng.float(biasScale) }
        var packed = [Int8](repeating: 0, count: zk_s8_packed_size(Int32(N), Int32(K)))
        zk_s8_pack(W, Int32(N), Int32(K), &packed)
        var colsums = [Int32](repeating: 0, count: roundUp(N, ZK_NBLOCK))
        zk_s8_colsums(packed, Int32(N), Int32(K), &colsums)
        self.packed = packed
        self.colsums = colsums
    }

    /// C (M × ldc, `sentinel` outside [n0, n1)) from zk_gemm_s8.
    func run(_ isa: ISA, bias useBias: Bool, _ epilogue: zk_epilogue, n0: Int, n1: Int) -> [Float] {
        var C = [Float](repeating: sentinel, count: M * ldc)
        bias.withUnsafeBufferPointer { b in
            zk_gemm_s8(isa.kernel, Int32(M), Int32(N), Int32(K), Q, Int32(ldq), aScale, packed, colsums, wScale,
                       useBias ? b.baseAddress : nil, epilogue, &C, Int32(ldc), Int32(n0), Int32(n1))
        }
        return C
    }
}

@Test(arguments: ISA.supported)
func int8GEMMMatchesExactReference(isa: ISA) {
    // (M, N, K, n0, n1): tails in every dimension, and a column range that starts past block 0.
    let shapes = [(1, 1, 1, 0, 1), (2, 7, 3, 0, 7), (5, 33, 5, 0, 33), (17, 33, 64, 16, 30), (7, 48, 130, 0, 40)]
    var rng = SplitMix(state: 1)
    for (M, N, K, n0, n1) in shapes {
        let p = S8GEMMCase(M: M, N: N, K: K, rng: &rng)
        #expect(p.colsums[0] == (0..<K).reduce(Int32(0)) { $0 + Int32(p.W[$1]) })
        for useBias in [false, true] {
            let C = p.run(isa, bias: useBias, ZK_EPILOGUE_NONE, n0: n0, n1: n1)
            var mismatches = 0
            for m in 0..<M {
                for n in 0..<p.ldc {
                    let got = C[m * p.ldc + n]
                    guard n >= n0 && n < n1 else {
                        if got != sentinel { mismatches += 1 }
                        continue
                    }
                    var acc: Int32 = 0
                    for k in 0..<K { acc += Int32(p.Q[m * p.ldq + k]) * Int32(p.W[n * K + k]) }
                    let scaled = Float(acc) * p.aScale[m] * p.wScale[n]
                    if got != (useBias ? scaled + p.bias[n] : scaled) { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "M\(M) N\(N) K\(K) [\(n0),\(n1)) bias \(useBias)")
        }
    }
}

@Test(arguments: ISA.supported)
func fp32GEMMMatchesReference(isa: ISA) {
    // K = 300 crosses the kernels' K chunking.
    let shapes = [(1, 1, 1, 0, 1), (3, 7, 5, 0, 7), (6, 33, 64, 16, 30), (7, 20, 300, 0, 20)]
    var rng = SplitMix(state: 2)
    for (M, N, K, n0, n1) in shapes {
        let lda = K + 2, ldc = N + 3
        let W = (0..<N * K).map { _ in rng.float() }
        let A = (0..<M * lda).map { _ in rng.float() }
        let bias = (0..<N).map { _ in rng.float() }
        var packed = [Float](repeating: 0, count: zk_f32_packed_count(Int32(N), Int32(K)))
        zk_f32_pack(W, Int32(N), Int32(K), &packed)
        var C = [Float](repeating: sentinel, count: M * ldc)
        zk_gemm_f32(isa.kernel, Int32(M), Int32(N), Int32(K), A, Int32(lda), packed, bias, &C, Int32(ldc), Int32(n0),
                    Int32(n1))
        var bad = 0
        for m in 0..<M {
            for n in 0..<ldc {
                let got = C[m * ldc + n]
                guard n >= n0 && n < n1 else {
                    if got != sentinel { bad += 1 }
                    continue
                }
                var sum = Double(bias[n]), mag = abs(Double(bias[n]))
                for k in 0..<K {
                    let p = Double(A[m * lda + k]) * Double(W[n * K + k])
                    sum += p
                    mag += abs(p)
                }
                if !(abs(Double(got) - sum) <= 1e-5 * mag + 1e-6) { bad += 1 }
            }
        }
        #expect(bad == 0, "M\(M) N\(N) K\(K) [\(n0),\(n1))")
    }
}

@Test(arguments: ISA.supported)
func attentionGEMMsMatchReference(isa: ISA) {
    let shapes = [(1, 1, 1), (5, 7, 3), (9, 33, 64), (4, 20, 300)]
    let alpha: Float = 0.125
    var rng = SplitMix(state: 3)
    for (M, N, K) in shapes {
        let lda = K + 1, ldbT = K + 2, ldbN = N + 3, ldc = N + 2
        let A = (0..<M * lda).map { _ in rng.float() }
        let Bt = (0..<N * ldbT).map { _ in rng.float() }
        let Bn = (0..<K * ldbN).map { _ in rng.float() }
        var nt = [Float](repeating: sentinel, count: M * ldc)
        var nn = [Float](repeating: sentinel, count: M * ldc)
        zk_sgemm_nt(isa.kernel, Int32(M), Int32(N), Int32(K), alpha, A, Int32(lda), Bt, Int32(ldbT), &nt, Int32(ldc))
        zk_sgemm_nn(isa.kernel, Int32(M), Int32(N), Int32(K), A, Int32(lda), Bn, Int32(ldbN), &nn, Int32(ldc))
        var bad = 0
        for m in 0..<M {
            for n in 0..<ldc {
                guard n < N else {
                    if nt[m * ldc + n] != sentinel || nn[m * ldc + n] != sentinel { bad += 1 }
                    continue
                }
                var sT = 0.0, gT = 0.0, sN = 0.0, gN = 0.0
                for k in 0..<K {
                    let a = Double(A[m * lda + k])
                    let pT = a * Double(Bt[n * ldbT + k]), pN = a * Double(Bn[k * ldbN + n])
                    sT += pT
                    gT += abs(pT)
                    sN += pN
                    gN += abs(pN)
                }
                if !(abs(Double(nt[m * ldc + n]) - Double(alpha) * sT) <= 1e-5 * Double(alpha) * gT + 1e-7) { bad += 1 }
                if !(abs(Double(nn[m * ldc + n]) - sN) <= 1e-5 * gN + 1e-7) { bad += 1 }
            }
        }
        #expect(bad == 0, "M\(M) N\(N) K\(K)")
    }
}

@Test(arguments: ISA.supported)
func layerNormMatchesReference(isa: ISA) {
    let M = 3
    let eps: Float = 1e-12
    var rng = SplitMix(state: 4)
    for N in [1, 7, 33, 100] {
        let ld = N + 4
        let X = (0..<M * ld).map { _ in 5 + rng.float(2) }  // offset mean: the variance must not cancel
        let R = (0..<M * ld).map { _ in rng.float() }
        let gamma = (0..<N).map { _ in 1 + rng.float(0.5) }
        let beta = (0..<N).map { _ in rng.float(0.1) }
        // Residual present or not; output separate or aliasing X.
        for (useR, inPlace) in [(false, false), (true, false), (true, true)] {
            var x = X
            var y = [Float](repeating: sentinel, count: M * ld)
            if inPlace {
                for m in 0..<M { for k in N..<ld { x[m * ld + k] = sentinel } }
            }
            x.withUnsafeMutableBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    R.withUnsafeBufferPointer { rp in
                        zk_add_layernorm(isa.kernel, Int32(M), Int32(N), xp.baseAddress, useR ? rp.baseAddress : nil,
                                         Int32(ld), gamma, beta, eps, inPlace ? xp.baseAddress : yp.baseAddress)
                    }
                }
            }
            let out = inPlace ? x : y
            var bad = 0
            for m in 0..<M {
                let v = (0..<N).map { Double(X[m * ld + $0]) + (useR ? Double(R[m * ld + $0]) : 0) }
                let mean = v.reduce(0, +) / Double(N)
                let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(N)
                let rstd = 1 / (variance + Double(eps)).squareRoot()
                for k in 0..<ld {
                    let got = out[m * ld + k]
                    if k >= N {
                        if got != sentinel { bad += 1 }
                        continue
                    }
                    let want = (v[k] - mean) * rstd * Double(gamma[k]) + Double(beta[k])
                    if !(abs(Double(got) - want) <= 1e-5) { bad += 1 }
                }
            }
            #expect(bad == 0, "N\(N) residual \(useR) inPlace \(inPlace)")
        }
    }
}

@Test(arguments: ISA.supported)
func geluIsExactErfGELU(isa: ISA) {
    // 4001 points over [-10, 10] (not a multiple of any vector width), plus tiny magnitudes.
    var xs = (0...4000).map { Float(-10 + Double($0) * 0.005) }
    xs += [1e-30, -1e-30, 3e-4, -3e-4, 0.70710677, -0.70710677, 1.4142135, -1.4142135, 6.363961, -6.363961]
    var y = xs
    zk_gelu(isa.kernel, y.count, &y)
    var worst = 0.0
    for (x, g) in zip(xs, y) {
        let want = Double(x) * 0.5 * erfc(-Double(x) / 2.0.squareRoot())
        worst = max(worst, abs(Double(g) - want))
    }
    #expect(worst <= 1e-6)
}

@Test(arguments: ISA.supported)
func softmaxNormalisesAndMasks(isa: ISA) {
    let M = 3
    var rng = SplitMix(state: 5)
    for n in [1, 7, 20] {
        let ncols = n + 3, ld = ncols + 2
        var X0 = (0..<M * ld).map { _ in rng.float(10) }
        if n > 3 { X0[2] = -.infinity }  // a masked key inside the softmax range
        var X = X0
        zk_softmax_rows(isa.kernel, Int32(M), Int32(n), Int32(ncols), &X, Int32(ld))
        var bad = 0
        for m in 0..<M {
            let row = (0..<n).map { Double(X0[m * ld + $0]) }
            let mx = row.max()!
            let sum = row.map { exp($0 - mx) }.reduce(0, +)
            for k in 0..<ld {
                let got = X[m * ld + k]
                if k < n {
                    let want = exp(row[k] - mx) / sum
                    // x - max is rounded to float first: allow its half-ulp in the exponent.
                    let rounding = row[k].isFinite ? abs(row[k] - mx) * 6e-8 : 0
                    let tol = want * (1.5e-6 + rounding) + 1e-37
                    if !(abs(Double(got) - want) <= tol) { bad += 1 }
                } else if k < ncols {
                    if got != 0 { bad += 1 }
                } else if got != X0[m * ld + k] {
                    bad += 1
                }
            }
        }
        #expect(bad == 0, "n\(n)")
    }
}
