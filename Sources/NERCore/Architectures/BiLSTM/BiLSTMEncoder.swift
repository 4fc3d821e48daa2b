import CKernels
import Foundation

/// Buffers for one BiLSTM forward pass, sized for `maxTokens` positions in all.
final class BiLSTMWorkspace: @unchecked Sendable {
    let maxTokens: Int
    let maxSequence: Int
    let threads: Int
    let byteCount: Int
    private let arena = BufferArena()
    /// Layer inputs and outputs, ping-ponged: rows of `width` = max(input size, 2H).
    let activations: [UnsafeMutablePointer<Float>]
    let width: Int
    let gates: UnsafeMutablePointer<Float>
    let recurrent: UnsafeMutablePointer<Float>
    let h: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>
    let logits: UnsafeMutablePointer<Float>
    let emissions: UnsafeMutablePointer<Float>
    let quant: QuantScratch
    let wordVector: UnsafeMutablePointer<Float>
    let coverage: UnsafeMutablePointer<Int32>
    let chars: UnsafeMutablePointer<UInt32>
    /// Per row of layer 0: the character's vocabulary id, its folded left and right bigram slots
    /// (-1: not folded), and which of the folded projection's GEMM groups need it (bit per group).
    let charIDs: UnsafeMutablePointer<Int32>
    let bigramSlots: UnsafeMutablePointer<Int32>
    let groupMask: UnsafeMutablePointer<UInt8>
    /// Rows gathered for one group's GEMM.
    let gathered: UnsafeMutablePointer<Int32>

    init(config c: BiLSTMConfig, maxTokens: Int, maxSequence: Int, threads: Int) {
        self.maxTokens = maxTokens
        self.maxSequence = maxSequence
        self.threads = threads
        let h = c.hiddenSize
        width = max(c.inputSize, 2 * h)
        activations = [arena.allocate(maxTokens * width, of: Float.self), arena.allocate(maxTokens * width, of: Float.self)]
        gates = arena.allocate(maxTokens * 8 * h, of: Float.self)
        // The recurrence runs every sequence of a batch at once: up to one per token.
        recurrent = arena.allocate(maxTokens * 4 * h, of: Float.self)
        self.h = arena.allocate(maxTokens * h, of: Float.self)
        self.c = arena.allocate(maxTokens * h, of: Float.self)
        logits = arena.allocate(maxTokens * c.labels.count, of: Float.self)
        emissions = arena.allocate(maxSequence * c.labels.count, of: Float.self)
        let stride = Int(zk_round_up(Int32(width), Int32(ZK_KGROUP)))
        quant = QuantScratch(values: arena.allocate(maxTokens * stride, of: Int8.self),
                             scales: arena.allocate(maxTokens, of: Float.self), stride: stride)
        wordVector = arena.allocate(c.lexiconDim, of: Float.self)
        coverage = arena.allocate(maxSequence, of: Int32.self)
        chars = arena.allocate(maxSequence, of: UInt32.self)
        charIDs = arena.allocate(maxTokens, of: Int32.self)
        bigramSlots = arena.allocate(2 * maxTokens, of: Int32.self)
        groupMask = arena.allocate(maxTokens, of: UInt8.self)
        gathered = arena.allocate(maxTokens, of: Int32.self)
        byteCount = arena.byteCount
    }
}

/// The BiLSTM-CRF encoder (tools/train/SPEC.md §2–6) over a batch of sequences.
///
/// Rows are laid out time-major with sequences sorted longest first (PyTorch's PackedSequence):
/// the rows of step t are contiguous, and the sequences still running at step t are always a
/// prefix, so each recurrent step is one GEMM over that prefix with no padding.
struct BiLSTMEncoder: Sendable {
    let weights: BiLSTMWeights
    let vocabulary: CharVocabulary
    let lexicon: Lexicon
    let normalizer: CharNormalizer
    let isa: ISA

    var config: BiLSTMConfig { weights.config }

    /// Emissions of each sequence (normalised code points), handed to `consume(index, rows)` in
    /// input order; `rows` holds `count × labels` floats, valid during the call.
    /// `corpora`: each sequence's corpus id (`CorpusConditioning`), used when the model has one.
    func forward(_ sequences: [ArraySlice<Unicode.Scalar>], corpora: [Int], workspace ws: BiLSTMWorkspace,
                 consume: (Int, UnsafePointer<Float>) -> Void)
    {
        let lengths = sequences.map(\.count)
        let total = lengths.reduce(0, +)
        precondition(total <= ws.maxTokens && lengths.allSatisfy { $0 <= ws.maxSequence })
        let order = lengths.indices.sorted { lengths[$0] > lengths[$1] || (lengths[$0] == lengths[$1] && $0 < $1) }
        let maxLength = order.first.map { lengths[$0] } ?? 0
        // active[t]: sequences longer than t; rowStart[t]: first row of step t.
        var active = [Int](repeating: 0, count: maxLength + 1)
        for n in lengths { for t in 0..<n { active[t] += 1 } }
        var rowStart = [Int](repeating: 0, count: maxLength + 1)
        for t in 0..<maxLength { rowStart[t + 1] = rowStart[t] + active[t] }

        let h = config.hiddenSize
        var input = ws.activations[0]
        var output = ws.activations[1]
        memset(input, 0, total * ws.width * MemoryLayout<Float>.stride)
        memset(ws.groupMask, 0, total)
        var matches: [Lexicon.Match] = []
        var shares: [Share] = []
        for (rank, i) in order.enumerated() {
            embed(sequences[i], rank: rank, rowStart: rowStart, into: input, ws: ws, matches: &matches, shares: &shares)
        }
        for layer in weights.layers {
            if let projection = layer.input {
                projection.forward(input, ldx: ws.width, rows: total, into: ws.gates, ldy: 8 * h,
                                   scratch: ws.quant, isa: isa, threads: ws.threads)
            } else {
                projectFirstLayer(input, rows: total, shares: shares, scratch: output, ws: ws)
                if let conditioning = weights.corpora {
                    for (rank, i) in order.enumerated() where corpora[i] != 0 {
                        for t in 0..<lengths[i] { conditioning.apply(corpora[i], to: ws.gates + (rowStart[t] + rank) * 8 * h) }
                    }
                }
            }
            run(direction: 0, layer: layer, active: active, rowStart: rowStart, output: output, ws: ws)
            run(direction: 1, layer: layer, active: active, rowStart: rowStart, output: output, ws: ws)
            swap(&input, &output)
        }
        let l = config.labels.count
        weights.classifier.forward(input, ldx: ws.width, rows: total, into: ws.logits, ldy: l,
                                   scratch: ws.quant, isa: isa, threads: 1)
        for (rank, i) in order.enumerated() {
            for t in 0..<lengths[i] {
                (ws.emissions + t * l).update(from: ws.logits + (rowStart[t] + rank) * l, count: l)
            }
            consume(i, ws.emissions)
        }
    }

    /// One direction of one layer: h, c start at 0 for each sequence; forward runs t = 0…, the
    /// backward direction t = …0, starting each sequence's state when it first appears.
    private func run(direction: Int, layer: BiLSTMLayerWeights, active: [Int], rowStart: [Int],
                     output: UnsafeMutablePointer<Float>, ws: BiLSTMWorkspace)
    {
        let h = config.hiddenSize
        let maxLength = active.count - 1
        let steps = direction == 0 ? Array(0..<maxLength) : Array((0..<maxLength).reversed())
        memset(ws.h, 0, active[0] * h * MemoryLayout<Float>.stride)
        memset(ws.c, 0, active[0] * h * MemoryLayout<Float>.stride)
        for t in steps {
            let a = active[t]
            let gates = ws.gates + rowStart[t] * 8 * h + direction * 4 * h
            layer.recurrent[direction].forward(ws.h, ldx: h, rows: a, into: ws.recurrent, ldy: 4 * h,
                                               scratch: ws.quant, isa: isa, threads: 1)
            zk_lstm_cell(isa.kernel, Int32(a), Int32(h), gates, Int32(8 * h), ws.recurrent, Int32(4 * h), ws.c, ws.h, Int32(h))
            for r in 0..<a {
                (output + (rowStart[t] + r) * ws.width + direction * h).update(from: ws.h + r * h, count: h)
            }
        }
    }

    /// A matched word's share at one row, from a folded table: `source` -1 is the class table (row
    /// set · classes + class), 0…3 the folded words of that set.
    struct Share {
        let row: Int32
        let source: Int32
        let tableRow: Int32
        let share: Float
    }

    /// Layer 0's gates: the bias, each row's folded character, bigrams and word shares, then each
    /// GEMM group over just the rows that need it. `scratch` (the free activation buffer) holds a
    /// group's gathered inputs; `ws.recurrent`, unused until the recurrence, takes their products,
    /// half of `maxTokens` rows at a time.
    private func projectFirstLayer(_ x: UnsafeMutablePointer<Float>, rows: Int, shares: [Share],
                                   scratch: UnsafeMutablePointer<Float>, ws: BiLSTMWorkspace)
    {
        let fold = weights.firstInput
        let n = 8 * config.hiddenSize
        // Shares grouped by row (a counting sort), so each row is summed in one pass.
        var first = [Int](repeating: 0, count: rows + 1)
        for item in shares { first[Int(item.row) + 1] += 1 }
        for r in 0..<rows { first[r + 1] += first[r] }
        var byRow = [Int](repeating: 0, count: shares.count)
        var next = first
        for (i, item) in shares.enumerated() {
            byRow[next[Int(item.row)]] = i
            next[Int(item.row)] += 1
        }
        var sum = RowSum()
        for r in 0..<rows {
            sum.add(fold.chars, row: Int(ws.charIDs[r]))
            if let left = fold.leftBigrams, ws.bigramSlots[2 * r] >= 0 { sum.add(left, row: Int(ws.bigramSlots[2 * r])) }
            if let right = fold.rightBigrams, ws.bigramSlots[2 * r + 1] >= 0 { sum.add(right, row: Int(ws.bigramSlots[2 * r + 1])) }
            for i in byRow[first[r]..<first[r + 1]] {
                let s = shares[i]
                if s.source < 0 {
                    sum.add(fold.classes + Int(s.tableRow) * n, weight: s.share)
                } else {
                    sum.add(fold.words[Int(s.source)]!, row: Int(s.tableRow), weight: s.share)
                }
            }
            sum.write(base: fold.bias, n: n, into: ws.gates + r * n, isa: isa)
        }
        let block = ws.maxTokens / 2
        for (index, group) in fold.groups.enumerated() {
            let k = group.linear.k
            var count = 0
            for r in 0..<rows where ws.groupMask[r] & (1 << index) != 0 {
                ws.gathered[count] = Int32(r)
                count += 1
            }
            for first in stride(from: 0, to: count, by: block) {
                let m = min(block, count - first)
                for i in 0..<m {
                    (scratch + i * k).update(from: x + Int(ws.gathered[first + i]) * ws.width + group.column, count: k)
                }
                group.linear.forward(scratch, ldx: k, rows: m, into: ws.recurrent, ldy: n, scratch: ws.quant, isa: isa,
                                     threads: ws.threads)
                for i in 0..<m {
                    let g = ws.gates + Int(ws.gathered[first + i]) * n
                    let z = ws.recurrent + i * n
                    for j in 0..<n { g[j] += z[j] }
                }
            }
        }
    }

    /// Layer 0's per-token inputs: x[p] = left bigram ⊕ right bigram ⊕ word vectors B, M, E, S (rows
    /// already zeroed; folded bigrams and words are left out), the character id, the folded bigram
    /// slots and the shares of classes and folded words: the folded projection turns those into
    /// gates without a GEMM.
    private func embed(_ text: ArraySlice<Unicode.Scalar>, rank: Int, rowStart: [Int], into x: UnsafeMutablePointer<Float>,
                       ws: BiLSTMWorkspace, matches: inout [Lexicon.Match], shares: inout [Share])
    {
        let c = config
        let fold = weights.firstInput
        let n = text.count
        for (p, s) in text.enumerated() { ws.chars[p] = normalizer.apply(s) }
        func rowIndex(_ p: Int) -> Int { rowStart[p] + rank }
        /// Side 0 (left) or 1 (right): a folded slot, or the embedding in x for the side's GEMM group.
        func bigram(_ id: Int, side: Int, row: Int, x: UnsafeMutablePointer<Float>) {
            let slot = fold.bigramSlots.isEmpty ? -1 : fold.bigramSlots[id]
            ws.bigramSlots[2 * row + side] = slot
            guard slot < 0 else { return }
            weights.bigrams.add(row: id, into: x + side * c.bigramDim)
            ws.groupMask[row] |= 1 << side
        }
        for p in 0..<n {
            let r = x + rowIndex(p) * ws.width
            let ch = ws.chars[p]
            ws.charIDs[rowIndex(p)] = Int32(vocabulary.charID(ch))
            let left = p > 0 ? ws.chars[p - 1] : c.bos
            let right = p + 1 < n ? ws.chars[p + 1] : c.eos
            bigram(vocabulary.bigramID(left, ch), side: 0, row: rowIndex(p), x: r)
            bigram(vocabulary.bigramID(ch, right), side: 1, row: rowIndex(p), x: r)
        }
        lexicon.matches(UnsafeBufferPointer(start: ws.chars, count: n), into: &matches)
        guard !matches.isEmpty else { return }
        let d = c.lexiconDim
        let wordStart = FoldedInputProjection.wordColumn(c)
        for p in 0..<n { ws.coverage[p] = 0 }
        for m in matches { for p in m.start..<(m.start + m.length) { ws.coverage[p] += m.word.weight } }
        let e = ws.wordVector
        for m in matches {
            let words = m.word.row >= 0 ? weights.lexiconWords : nil
            var vectorLoaded = false
            for p in m.start..<(m.start + m.length) {
                let set = m.set(at: p)
                let share = Float(m.word.weight) / Float(ws.coverage[p])
                let row = rowIndex(p)
                shares.append(Share(row: Int32(row), source: -1, tableRow: Int32(set * c.lexiconClasses + Int(m.word.classID)),
                                    share: share))
                guard let words else { continue }
                let slot = fold.wordSlots.isEmpty ? -1 : fold.wordSlots[set][Int(m.word.row)]
                if slot >= 0 {
                    shares.append(Share(row: Int32(row), source: Int32(set), tableRow: slot, share: share))
                    continue
                }
                if !vectorLoaded {
                    for j in 0..<d { e[j] = 0 }
                    words.add(row: Int(m.word.row), into: e)
                    vectorLoaded = true
                }
                ws.groupMask[row] |= 1 << (2 + set)
                let dst = x + row * ws.width + wordStart + set * d
                for j in 0..<d { dst[j] += share * e[j] }
            }
        }
    }
}
