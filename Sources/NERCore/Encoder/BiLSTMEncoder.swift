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
    let isa: ISA

    var config: BiLSTMConfig { weights.config }

    /// Emissions of each sequence (normalised code points), handed to `consume(index, rows)` in
    /// input order; `rows` holds `count × labels` floats, valid during the call.
    func forward(_ sequences: [ArraySlice<Unicode.Scalar>], workspace ws: BiLSTMWorkspace,
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
        var matches: [Lexicon.Match] = []
        for (rank, i) in order.enumerated() {
            embed(sequences[i], rank: rank, rowStart: rowStart, into: input, ws: ws, matches: &matches)
        }
        for layer in weights.layers {
            layer.input.forward(input, ldx: ws.width, rows: total, into: ws.gates, ldy: 8 * h,
                                scratch: ws.quant, isa: isa, threads: ws.threads)
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
            for r in 0..<a {
                let g = gates + r * 8 * h
                let z = ws.recurrent + r * 4 * h
                for j in 0..<(4 * h) { g[j] += z[j] }
            }
            zk_lstm_cell(isa.kernel, Int32(a), Int32(h), gates, Int32(8 * h), ws.c, ws.h, Int32(h))
            for r in 0..<a {
                (output + (rowStart[t] + r) * ws.width + direction * h).update(from: ws.h + r * h, count: h)
            }
        }
    }

    /// x[p] = char ⊕ left bigram ⊕ right bigram ⊕ lexicon B, M, E, S (rows already zeroed).
    private func embed(_ text: ArraySlice<Unicode.Scalar>, rank: Int, rowStart: [Int], into x: UnsafeMutablePointer<Float>,
                       ws: BiLSTMWorkspace, matches: inout [Lexicon.Match])
    {
        let c = config
        let n = text.count
        for (p, s) in text.enumerated() { ws.chars[p] = CharNormalizer.normalize(s) }
        func row(_ p: Int) -> UnsafeMutablePointer<Float> { x + (rowStart[p] + rank) * ws.width }
        for p in 0..<n {
            let r = row(p)
            let ch = ws.chars[p]
            weights.chars.add(row: vocabulary.charID(ch), into: r)
            let left = p > 0 ? ws.chars[p - 1] : c.bos
            let right = p + 1 < n ? ws.chars[p + 1] : c.eos
            weights.bigrams.add(row: vocabulary.bigramID(left, ch), into: r + c.charDim)
            weights.bigrams.add(row: vocabulary.bigramID(ch, right), into: r + c.charDim + c.bigramDim)
        }
        lexicon.matches(UnsafeBufferPointer(start: ws.chars, count: n), into: &matches)
        guard !matches.isEmpty else { return }
        let d = c.lexiconDim
        let base = c.charDim + 2 * c.bigramDim
        for p in 0..<n { ws.coverage[p] = 0 }
        for m in matches { for p in m.start..<(m.start + m.length) { ws.coverage[p] += m.word.weight } }
        let e = ws.wordVector
        for m in matches {
            let cls = weights.lexiconClasses + Int(m.word.classID) * d
            for j in 0..<d { e[j] = cls[j] }
            if m.word.row >= 0, let words = weights.lexiconWords { words.add(row: Int(m.word.row), into: e) }
            // Set index: B 0, M 1, E 2, S 3.
            for p in m.start..<(m.start + m.length) {
                let set = m.length == 1 ? 3 : (p == m.start ? 0 : (p == m.start + m.length - 1 ? 2 : 1))
                let share = Float(m.word.weight) / Float(ws.coverage[p])
                let dst = row(p) + base + set * d
                for j in 0..<d { dst[j] += share * e[j] }
            }
        }
    }
}
