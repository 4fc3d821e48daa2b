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
        let layers = weights.layers
        // Every LayerNorm also quantizes its rows for the linear layer that reads them next, when that
        // one is int8: QKV, FFN-up and the classifier then take `quantized: true` and run no quantize
        // section of their own (FP32 weights ignore it).
        let embeddingNormQuantizes = (layers.first?.qkv ?? weights.classifier).isQuantized
        let rowRanges = Parallel.ranges(total, parts: threads, align: 1)
        Parallel.forEach(rowRanges.count, threads: threads) { i in
            layerNorm(nil, rows: rowRanges[i], norm: weights.embeddingNorm, quantize: embeddingNormQuantizes, ws: ws)
        }

        var offsets: [Int] = []
        var o = 0
        for n in lengths {
            offsets.append(o)
            o += n
        }
        for (index, layer) in layers.enumerated() {
            // Self-attention: one GEMM for Q, K and V of all tokens, then per (sequence, head); the
            // output projection finishes its own rows with residual + LayerNorm (one section in all).
            layer.qkv.forward(ws.hidden, ldx: h, rows: total, into: ws.qkv, ldy: 3 * h,
                              scratch: ws.quant, quantized: true, isa: isa, threads: threads)
            attention(offsets: offsets, lengths: lengths, ws: ws)
            layer.attentionOutput.forward(ws.context, ldx: h, rows: total, into: ws.projected, ldy: h,
                                          scratch: ws.quant, isa: isa, threads: threads) { r in
                layerNorm(ws.projected, rows: r, norm: layer.attentionNorm, quantize: layer.intermediate.isQuantized,
                          ws: ws)
            }

            // Feed-forward: GELU(x·W1ᵀ + b1)·W2ᵀ + b2 (the GELU inside the first GEMM's tasks), then
            // residual + LayerNorm inside the second's.
            layer.intermediate.forward(ws.hidden, ldx: h, rows: total, into: ws.intermediate,
                                       ldy: config.intermediateSize, scratch: ws.quant, quantized: true, gelu: true,
                                       isa: isa, threads: threads)
            let next = index + 1 < layers.count ? layers[index + 1].qkv : weights.classifier
            layer.output.forward(ws.intermediate, ldx: config.intermediateSize, rows: total, into: ws.projected,
                                 ldy: h, scratch: ws.quant, isa: isa, threads: threads) { r in
                layerNorm(ws.projected, rows: r, norm: layer.outputNorm, quantize: next.isQuantized, ws: ws)
            }
        }
        weights.classifier.forward(ws.hidden, ldx: h, rows: total, into: ws.logits, ldy: config.labels.count,
                                   scratch: ws.quant, quantized: true, isa: isa, threads: 1)
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

    /// hidden[r] = LayerNorm(x[r] + hidden[r]) (x nil: of hidden[r] alone). With `quantize`, hidden's
    /// rows r also go to `ws.quant`, quantized as the int8 layer that reads them next would do it.
    private func layerNorm(_ x: UnsafeMutablePointer<Float>?, rows r: Range<Int>, norm: LayerNormWeights,
                           quantize: Bool, ws: BertWorkspace)
    {
        let h = config.hiddenSize
        let off = r.lowerBound * h
        let hidden = ws.hidden + off
        let q = ws.quant
        let rowsQ = quantize ? q.values + r.lowerBound * q.stride : nil
        zk_add_layernorm_s8(isa.kernel, Int32(r.count), Int32(h), x.map { $0 + off } ?? hidden, x == nil ? nil : hidden,
                            Int32(h), norm.gamma, norm.beta, config.layerNormEps, hidden,
                            rowsQ, Int32(q.stride), q.scales + r.lowerBound)
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
