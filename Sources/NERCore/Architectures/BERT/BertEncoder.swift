import CKernels

/// The BERT encoder and token-classification head, run over a ragged batch.
///
/// Sequences are packed back to back with no padding: every linear layer runs once over all
/// tokens of the batch, and attention runs per sequence over that sequence's own tokens, which is
/// what a padding mask computes for a padded batch — without spending work on pad tokens.
struct BertEncoder: Sendable {
    let weights: BertWeights
    let isa: ISA

    var config: BertConfig { weights.config }

    func makeWorkspace(maxTokens: Int, maxSequence: Int, threads: Int) -> BertWorkspace {
        BertWorkspace(hidden: config.hiddenSize, intermediate: config.intermediateSize, labels: config.labels.count,
                  maxTokens: maxTokens, maxSequence: maxSequence, threads: threads)
    }

    /// Logits for every token of `ids` (sequences of `lengths`, each starting with [CLS] and ending
    /// with [SEP]), written to `ws.logits` as rows of `labels.count`.
    func forward(ids: [Int32], lengths: [Int], workspace ws: BertWorkspace) {
        let total = ids.count
        precondition(total <= ws.maxTokens && lengths.reduce(0, +) == total)
        precondition(lengths.allSatisfy { $0 <= min(ws.maxSequence, config.maxPositionEmbeddings) })
        let threads = ws.threads
        let h = config.hiddenSize
        embed(ids: ids, lengths: lengths, into: ws.hidden)
        zk_add_layernorm(isa.kernel, Int32(total), Int32(h), ws.hidden, nil, Int32(h),
                         weights.embeddingNorm.gamma, weights.embeddingNorm.beta, config.layerNormEps, ws.hidden)

        var offsets: [Int] = []
        var o = 0
        for n in lengths {
            offsets.append(o)
            o += n
        }
        for layer in weights.layers {
            // Self-attention: one GEMM for Q, K and V of all tokens, then per (sequence, head).
            layer.qkv.forward(ws.hidden, ldx: h, rows: total, into: ws.qkv, ldy: 3 * h,
                              scratch: ws.quant, isa: isa, threads: threads)
            attention(offsets: offsets, lengths: lengths, ws: ws)
            layer.attentionOutput.forward(ws.context, ldx: h, rows: total, into: ws.projected, ldy: h,
                                          scratch: ws.quant, isa: isa, threads: threads)
            layerNorm(ws.projected, residual: ws.hidden, rows: total, norm: layer.attentionNorm, threads: threads)

            // Feed-forward: GELU(x·W1ᵀ + b1)·W2ᵀ + b2, then residual + LayerNorm.
            layer.intermediate.forward(ws.hidden, ldx: h, rows: total, into: ws.intermediate,
                                       ldy: config.intermediateSize, scratch: ws.quant, isa: isa, threads: threads)
            let inter = SharedPointer(ws.intermediate)
            let width = config.intermediateSize
            let rowRanges = Parallel.ranges(total, parts: threads, align: 1)
            Parallel.forEach(rowRanges.count, threads: threads) { i in
                let r = rowRanges[i]
                zk_gelu(isa.kernel, r.count * width, inter.base + r.lowerBound * width)
            }
            layer.output.forward(ws.intermediate, ldx: width, rows: total, into: ws.projected, ldy: h,
                                 scratch: ws.quant, isa: isa, threads: threads)
            layerNorm(ws.projected, residual: ws.hidden, rows: total, norm: layer.outputNorm, threads: threads)
        }
        weights.classifier.forward(ws.hidden, ldx: h, rows: total, into: ws.logits, ldy: config.labels.count,
                                   scratch: ws.quant, isa: isa, threads: 1)
    }

    /// hidden[t] = word[id] + position[t - start of its sequence] + tokenType[0].
    private func embed(ids: [Int32], lengths: [Int], into hidden: UnsafeMutablePointer<Float>) {
        let h = config.hiddenSize
        var t = 0
        for n in lengths {
            for p in 0..<n {
                let row = hidden + t * h
                let pos = weights.positionEmbeddings + p * h
                let type = weights.tokenTypeEmbeddings
                for j in 0..<h { row[j] = pos[j] + type[j] }
                weights.wordEmbeddings.add(row: Int(ids[t]), into: row)
                t += 1
            }
        }
    }

    /// hidden = LayerNorm(x + hidden), row ranges in parallel.
    private func layerNorm(_ x: UnsafeMutablePointer<Float>, residual: UnsafeMutablePointer<Float>, rows: Int,
                           norm: LayerNormWeights, threads: Int)
    {
        let h = config.hiddenSize
        let eps = config.layerNormEps
        let src = SharedPointer(x)
        let dst = SharedPointer(residual)
        let rowRanges = Parallel.ranges(rows, parts: threads, align: 1)
        Parallel.forEach(rowRanges.count, threads: threads) { i in
            let r = rowRanges[i]
            let off = r.lowerBound * h
            zk_add_layernorm(isa.kernel, Int32(r.count), Int32(h), src.base + off, dst.base + off, Int32(h),
                             norm.gamma, norm.beta, eps, dst.base + off)
        }
    }

    /// context[seq, head] = softmax(Q·Kᵀ/√d)·V over the sequence's own tokens.
    private func attention(offsets: [Int], lengths: [Int], ws: BertWorkspace) {
        let h = config.hiddenSize
        let heads = config.numAttentionHeads
        let d = config.headSize
        let scale = 1 / Float(d).squareRoot()
        let qkv = SharedPointer(ws.qkv)
        let context = SharedPointer(ws.context)
        let scores = SharedPointer(ws.scores)
        let maxSeq = ws.maxSequence
        Parallel.forEach(lengths.count * heads, threads: ws.threads) { task, worker in
            let s = task / heads
            let head = task % heads
            let n = lengths[s]
            let base = qkv.base + offsets[s] * 3 * h + head * d
            let sc = scores.base + worker * maxSeq * maxSeq
            zk_sgemm_nt(isa.kernel, Int32(n), Int32(n), Int32(d), scale, base, Int32(3 * h), base + h, Int32(3 * h),
                        sc, Int32(n))
            zk_softmax_rows(isa.kernel, Int32(n), Int32(n), Int32(n), sc, Int32(n))
            zk_sgemm_nn(isa.kernel, Int32(n), Int32(d), Int32(n), sc, Int32(n), base + 2 * h, Int32(3 * h),
                        context.base + offsets[s] * h + head * d, Int32(h))
        }
    }
}
