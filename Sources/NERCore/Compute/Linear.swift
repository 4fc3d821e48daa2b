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
        switch weights {
        case .f32(let packed):
            let out = SharedPointer(y)
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
        case .s8:
            if !quantized {
                let rowRanges = Parallel.ranges(rows, parts: threads, align: 1)
                Parallel.forEach(rowRanges.count, threads: threads) { i in
                    quantize(x, ldx: ldx, rows: rowRanges[i], scratch: scratch)
                }
            }
            let out = SharedPointer(y)
            Parallel.forEach(columnRanges.count, threads: threads) { i in
                multiplyS8(rows: 0..<rows, columns: columnRanges[i], scratch: scratch, gelu: gelu, into: out.base,
                           ldy: ldy, isa: isa)
            }
        }
    }

    /// y = x·Wᵀ + b, then `finish(r)` on each range r of complete rows of y. int8 weights run it all in
    /// one section split by rows, each task quantizing, multiplying and finishing its own rows: one
    /// join where the column split needs three (quantize, GEMM, finish). Each task then reads all of W
    /// instead of all of x. The int8 result does not depend on the split (exact int32 sums, per-element
    /// epilogue); FP32 weights keep the column split and finish in a row section of their own.
    func forward(_ x: UnsafePointer<Float>, ldx: Int, rows: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
                 scratch: QuantScratch, isa: ISA, threads: Int, finish: (Range<Int>) -> Void)
    {
        guard rows > 0 else { return }
        let rowRanges = Parallel.ranges(rows, parts: threads, align: 1)
        if !isQuantized {
            forward(x, ldx: ldx, rows: rows, into: y, ldy: ldy, scratch: scratch, isa: isa, threads: threads)
            Parallel.forEach(rowRanges.count, threads: threads) { i in finish(rowRanges[i]) }
            return
        }
        let out = SharedPointer(y)
        Parallel.forEach(rowRanges.count, threads: threads) { i in
            let r = rowRanges[i]
            quantize(x, ldx: ldx, rows: r, scratch: scratch)
            multiplyS8(rows: r, columns: 0..<n, scratch: scratch, gelu: false, into: out.base, ldy: ldy, isa: isa)
            finish(r)
        }
    }

    /// Rows `r` of x into `scratch` (int8 weights' input).
    private func quantize(_ x: UnsafePointer<Float>, ldx: Int, rows r: Range<Int>, scratch: QuantScratch) {
        let ld = scratch.stride
        zk_quantize_rows_s8(Int32(r.count), Int32(k), x + r.lowerBound * ldx, Int32(ldx),
                            scratch.values + r.lowerBound * ld, Int32(ld), scratch.scales + r.lowerBound)
    }

    /// y[rows, columns] from the quantized rows in `scratch` (int8 weights only).
    private func multiplyS8(rows r: Range<Int>, columns c: Range<Int>, scratch: QuantScratch, gelu: Bool,
                            into y: UnsafeMutablePointer<Float>, ldy: Int, isa: ISA)
    {
        guard case .s8(let packed, let colsums, let scales) = weights else { preconditionFailure("FP32 weights") }
        let ld = scratch.stride
        let epilogue = gelu ? ZK_EPILOGUE_GELU : ZK_EPILOGUE_NONE
        zk_gemm_s8(isa.kernel, Int32(r.count), Int32(n), Int32(k), scratch.values + r.lowerBound * ld, Int32(ld),
                   scratch.scales + r.lowerBound, packed, colsums, scales, bias, epilogue,
                   y + r.lowerBound * ldy, Int32(ldy), Int32(c.lowerBound), Int32(c.upperBound))
    }
}
