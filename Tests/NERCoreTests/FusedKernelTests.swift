// Fused kernels against the unfused kernels they replace, on every ISA path this CPU runs: the
// encoder's output is held bit-identical across the fusion, so these compare bit patterns.
import CKernels
import Testing
@testable import NERCore

private func sameBits(_ a: [Float], _ b: [Float]) -> Bool { a.map(\.bitPattern) == b.map(\.bitPattern) }

@Test(arguments: ISA.supported)
func layerNormQuantizeMatchesLayerNormThenQuantize(isa: ISA) {
    let eps: Float = 1e-12
    var rng = SplitMix(state: 11)
    // N: below one vector, not a multiple of the k group (4) or of 8/16, and BERT-base's width.
    for (M, N) in [(1, 1), (3, 7), (2, 13), (4, 33), (1, 100), (3, 768)] {
        let ld = N + 4, Kp = roundUp(N, ZK_KGROUP), ldq = Kp + 5
        var X = (0..<M * ld).map { _ in 5 + rng.float(2) }
        for k in 0..<N { X[k] = 3 }  // a constant row: with beta = 0 its output is all zero (scale 1)
        let R = (0..<M * ld).map { _ in rng.float() }
        let gamma = (0..<N).map { _ in 1 + rng.float(0.5) }
        for zeroBeta in [false, true] {
            let beta = (0..<N).map { _ in zeroBeta ? 0 : rng.float(0.1) }
            for useR in [false, true] {
                // Unfused: LayerNorm in place (as the encoder ran it), then the quantize pass.
                var yRef = X
                var qRef = [Int8](repeating: 0x55, count: M * ldq)
                var sRef = [Float](repeating: sentinel, count: M)
                yRef.withUnsafeMutableBufferPointer { y in
                    zk_add_layernorm(isa.kernel, Int32(M), Int32(N), y.baseAddress, useR ? R : nil, Int32(ld), gamma,
                                     beta, eps, y.baseAddress)
                }
                zk_quantize_rows_s8(Int32(M), Int32(N), yRef, Int32(ld), &qRef, Int32(ldq), &sRef)

                var y = X
                var q = [Int8](repeating: 0x55, count: M * ldq)
                var s = [Float](repeating: sentinel, count: M)
                y.withUnsafeMutableBufferPointer { yp in
                    zk_add_layernorm_s8(isa.kernel, Int32(M), Int32(N), yp.baseAddress, useR ? R : nil, Int32(ld),
                                        gamma, beta, eps, yp.baseAddress, &q, Int32(ldq), &s)
                }
                let label = "M\(M) N\(N) residual \(useR) zero beta \(zeroBeta)"
                #expect(sameBits(y, yRef), "\(label): LayerNorm rows")
                #expect(q == qRef, "\(label): int8 rows")
                #expect(sameBits(s, sRef), "\(label): scales")
                if zeroBeta && !useR { #expect(s[0] == 1 && q[0..<Kp].allSatisfy { $0 == 0 }) }
            }
        }
    }
}

@Test(arguments: ISA.supported)
func int8GEMMGeluEpilogueMatchesGEMMThenGELU(isa: ISA) {
    // (M, N, K, n0, n1): M = 1, K off the k group, N off the 16-column block, a range past block 0,
    // and more rows than one micro-tile holds.
    let shapes = [(1, 1, 1, 0, 1), (2, 7, 3, 0, 7), (5, 33, 5, 0, 33), (17, 33, 64, 16, 30), (13, 100, 130, 0, 100)]
    var rng = SplitMix(state: 12)
    for (M, N, K, n0, n1) in shapes {
        // Row 0 all zero (a zero activation row); scales that put the outputs over GELU's whole range
        // (both erf and erfc branches, both signs).
        let p = S8GEMMCase(M: M, N: N, K: K, rng: &rng, scale: 0.002, biasScale: 2, zeroRows: [0])
        for useBias in [false, true] {
            var want = p.run(isa, bias: useBias, ZK_EPILOGUE_NONE, n0: n0, n1: n1)
            want.withUnsafeMutableBufferPointer { c in
                for m in 0..<M { zk_gelu(isa.kernel, n1 - n0, c.baseAddress! + m * p.ldc + n0) }
            }
            let got = p.run(isa, bias: useBias, ZK_EPILOGUE_GELU, n0: n0, n1: n1)
            #expect(sameBits(got, want), "M\(M) N\(N) K\(K) [\(n0),\(n1)) bias \(useBias)")
        }
    }
}

/// Linear.forward's fused options (pre-quantized input, GELU, finishing rows in the GEMM's tasks)
/// against the unfused calls, for int8 and FP32 weights, split over 2 threads as the encoder runs them.
@Test(arguments: ISA.supported)
func linearFusedOptionsMatchUnfused(isa: ISA) {
    let rows = 5, n = 40, k = 37, ldx = k + 3, ldy = n + 2
    var rng = SplitMix(state: 13)
    let W = (0..<n * k).map { _ in rng.float() }
    let x = (0..<rows * ldx).map { _ in rng.float(2) }
    let bias = (0..<n).map { _ in rng.float() }
    let stride = roundUp(k, ZK_KGROUP)
    let values = UnsafeMutablePointer<Int8>.allocate(capacity: rows * stride)
    let scales = UnsafeMutablePointer<Float>.allocate(capacity: rows)
    defer {
        values.deallocate()
        scales.deallocate()
    }
    let scratch = QuantScratch(values: values, scales: scales, stride: stride)

    // int8 weights: per-output-channel symmetric, as `zhner quantize` stores them.
    let wScale = (0..<n).map { j in max(W[(j * k)..<((j + 1) * k)].map(abs).max()! / 127, 1e-8) }
    let W8 = (0..<n * k).map { Int8((W[$0] / wScale[$0 / k]).rounded()) }
    var packed8 = [Int8](repeating: 0, count: zk_s8_packed_size(Int32(n), Int32(k)))
    zk_s8_pack(W8, Int32(n), Int32(k), &packed8)
    var colsums = [Int32](repeating: 0, count: roundUp(n, ZK_NBLOCK))
    zk_s8_colsums(packed8, Int32(n), Int32(k), &colsums)
    var packed32 = [Float](repeating: 0, count: zk_f32_packed_count(Int32(n), Int32(k)))
    zk_f32_pack(W, Int32(n), Int32(k), &packed32)

    packed8.withUnsafeBufferPointer { p8 in
        packed32.withUnsafeBufferPointer { p32 in
            colsums.withUnsafeBufferPointer { cs in
                wScale.withUnsafeBufferPointer { ws in
                    bias.withUnsafeBufferPointer { b in
                        let s8 = Linear.Weights.s8(packed: p8.baseAddress!, colsums: cs.baseAddress!,
                                                   scales: ws.baseAddress!)
                        let layers = [
                            Linear(weights: s8, bias: b.baseAddress, n: n, k: k),
                            Linear(weights: .f32(p32.baseAddress!), bias: b.baseAddress, n: n, k: k),
                        ]
                        for layer in layers {
                            var want = [Float](repeating: sentinel, count: rows * ldy)
                            layer.forward(x, ldx: ldx, rows: rows, into: &want, ldy: ldy, scratch: scratch, isa: isa,
                                          threads: 2)
                            want.withUnsafeMutableBufferPointer { w in
                                for m in 0..<rows { zk_gelu(isa.kernel, n, w.baseAddress! + m * ldy) }
                            }
                            // Pre-quantized input: the scratch holds x's rows from the call above's own pass.
                            var got = [Float](repeating: sentinel, count: rows * ldy)
                            layer.forward(x, ldx: ldx, rows: rows, into: &got, ldy: ldy, scratch: scratch,
                                          quantized: layer.isQuantized, gelu: true, isa: isa, threads: 2)
                            #expect(sameBits(got, want), "quantized weights \(layer.isQuantized)")
                            // Split by rows, finishing each range (here: GELU) inside the same task.
                            var rowSplit = [Float](repeating: sentinel, count: rows * ldy)
                            var finished = [Bool](repeating: false, count: rows)
                            rowSplit.withUnsafeMutableBufferPointer { y in
                                finished.withUnsafeMutableBufferPointer { d in
                                    let out = y.baseAddress!, done = d.baseAddress!
                                    layer.forward(x, ldx: ldx, rows: rows, into: out, ldy: ldy, scratch: scratch,
                                                  isa: isa, threads: 2) { r in
                                        for m in r {
                                            zk_gelu(isa.kernel, n, out + m * ldy)
                                            done[m] = true
                                        }
                                    }
                                }
                            }
                            #expect(sameBits(rowSplit, want) && finished.allSatisfy { $0 },
                                    "row split, quantized weights \(layer.isQuantized)")
                        }
                    }
                }
            }
        }
    }
}
