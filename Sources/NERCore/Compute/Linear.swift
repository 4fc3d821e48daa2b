import CKernels

/// Scratch for dynamically quantized activations: int8 rows and their scales.
struct QuantScratch: @unchecked Sendable {
    let values: UnsafeMutablePointer<Int8>
    let scales: UnsafeMutablePointer<Float>
    /// Row stride of `values`: the widest layer input, padded to the kernel's k-group.
    let stride: Int
}

/// A linear layer y = x·Wᵀ + b with W stored in a kernel layout: FP32 packed, or per-output-channel
/// symmetric int8 packed with its scales and column sums (pointing into the mapped model file).
struct Linear: @unchecked Sendable {
    enum Weights {
        case f32(UnsafePointer<Float>)
        case s8(packed: UnsafePointer<Int8>, colsums: UnsafePointer<Int32>, scales: UnsafePointer<Float>)
    }

    let weights: Weights
    let bias: UnsafePointer<Float>?
    /// Output features (N) and input features (K).
    let n: Int
    let k: Int

    var isQuantized: Bool {
        if case .s8 = weights { return true }
        return false
    }

    /// y (rows × n, stride ldy) = x (rows × k, stride ldx) · Wᵀ + b, then GELU when `gelu`, split over
    /// `threads` by column ranges.
    ///
    /// `quantized`: `scratch` already holds x's rows quantized (zk_add_layernorm_s8 wrote them), so
    /// int8 weights skip their own quantize section and its join; FP32 weights read x either way.
    /// The GELU runs inside each column task, so it needs no section of its own either.
    func forward(_ x: UnsafePointer<Float>, ldx: Int, rows: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
                 scratch: QuantScratch, quantized: Bool = false, gelu: Bool = false, isa: ISA, threads: Int)
    {
        guard rows > 0 else { return }
        let columnRanges = Parallel.ranges(n, parts: threads, align: Int(ZK_NBLOCK))
        let out = SharedPointer(y)
        switch weights {
        case .f32(let packed):
            Parallel.forEach(columnRanges.count, threads: threads) { i in
                let r = columnRanges[i]
                zk_gemm_f32(isa.kernel, Int32(rows), Int32(n), Int32(k), x, Int32(ldx), packed, bias,
                            out.base, Int32(ldy), Int32(r.lowerBound), Int32(r.upperBound))
                // GELU is element-wise, so a task's column slice row by row gives the whole-buffer bits.
                guard gelu else { return }
                for m in 0..<rows {
                    zk_gelu(isa.kernel, r.count, out.base + m * ldy + r.lowerBound)
                }
            }
        case .s8(let packed, let colsums, let scales):
            let q = SharedPointer(scratch.values)
            let qs = SharedPointer(scratch.scales)
            let ld = scratch.stride
            if !quantized {
                let rowRanges = Parallel.ranges(rows, parts: threads, align: 1)
                Parallel.forEach(rowRanges.count, threads: threads) { i in
                    let r = rowRanges[i]
                    zk_quantize_rows_s8(Int32(r.count), Int32(k), x + r.lowerBound * ldx, Int32(ldx),
                                        q.base + r.lowerBound * ld, Int32(ld), qs.base + r.lowerBound)
                }
            }
            let epilogue = gelu ? ZK_EPILOGUE_GELU : ZK_EPILOGUE_NONE
            Parallel.forEach(columnRanges.count, threads: threads) { i in
                let r = columnRanges[i]
                zk_gemm_s8(isa.kernel, Int32(rows), Int32(n), Int32(k), q.base, Int32(ld), qs.base,
                           packed, colsums, scales, bias, epilogue, out.base, Int32(ldy),
                           Int32(r.lowerBound), Int32(r.upperBound))
            }
        }
    }
}
