import CKernels

/// The first BiLSTM layer's input projection W_ih·x + b, split by input feature
/// (x = char ⊕ left bigram ⊕ right bigram ⊕ lexicon B, M, E, S; tools/train/SPEC.md §4).
///
/// The projection is linear, so a feature drawn from a table can be projected once per table row
/// at load time instead of once per token. Folded here: the character embedding (every row), the
/// lexicon class embeddings (one table per set) and, when the INT8 file lists them (`zhner quantize
/// --calibration`), the most frequent bigrams and the most frequent (word, set) pairs of the word
/// embedding. What is left goes through GEMMs, each over just the positions that need it: the
/// unfolded left and right bigrams, and the unfolded word vectors set by set. On the default model
/// this cuts the GEMM work per token from 428 input columns to ≈ 48 (docs/ENGINE.md).
// Pointers into the model's WeightStorage, read-only after loading.
struct FoldedInputProjection: @unchecked Sendable {
    /// b_ih + b_hh of both directions (8H): every row's starting value.
    let bias: UnsafePointer<Float>
    /// Row c: W_char · e(c), 8H wide (int8 rows with scales when the model is INT8, like its embeddings).
    let chars: EmbeddingTable
    /// Row (set · classes + class): W_set · class embedding, 8H floats.
    let classes: UnsafePointer<Float>
    /// Folded bigrams: `bigramSlots[id]` is the row of bigram `id` in `leftBigrams` (W_left · e) and
    /// `rightBigrams` (W_right · e), or -1; empty when no bigram is folded.
    let bigramSlots: [Int32]
    let leftBigrams: EmbeddingTable?
    let rightBigrams: EmbeddingTable?
    /// Folded words: `wordSlots[set][row]` is the row of word embedding row `row` in `words[set]`
    /// (W_set · e), or -1; both empty when no word is folded.
    let wordSlots: [[Int32]]
    let words: [EmbeddingTable?]
    /// The GEMMs over what is not folded, in x's column order: left bigram, right bigram, then the
    /// word vectors of sets B, M, E, S (when the model has word rows). Group g runs over the rows
    /// whose bit g is set in the workspace's group mask.
    let groups: [Group]

    struct Group {
        /// First column of the group's input in a layer-0 row of x.
        let column: Int
        let linear: Linear
    }

    /// W_ih of both directions stacked ([8H, inputSize], row-major), as the model file holds it.
    enum Weights {
        case f32([Float])
        /// INT8 files: the int8 values and their per-output-channel scales.
        case s8([Int8], scales: UnsafePointer<Float>)
    }

    /// Column of x where the word vectors start (x has no character columns: the character is folded).
    static func wordColumn(_ c: BiLSTMConfig) -> Int { 2 * c.bigramDim }

    /// The key of word embedding row `row` in lexicon set `set` (Lexicon.Match.set(at:)), as
    /// `zhner.folded_words` lists them.
    static func wordKey(set: Int, row: Int, config c: BiLSTMConfig) -> Int { set * c.lexiconWordRows + row }

    /// The slot of a folded row in its table, or -1 when that row goes through the GEMM.
    static func slots(of list: [Int], count: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: count)
        for (slot, id) in list.enumerated() { slots[id] = Int32(slot) }
        return slots
    }

    init(weights: Weights, bias: UnsafePointer<Float>, config c: BiLSTMConfig, chars charTable: EmbeddingTable,
         bigrams bigramTable: EmbeddingTable, foldedBigrams: [Int], classes classTable: UnsafePointer<Float>,
         words wordTable: EmbeddingTable?, foldedWords: [Int], storage: WeightStorage, isa: ISA, threads: Int)
    {
        let n = 8 * c.hiddenSize
        let k = c.inputSize
        /// Columns `range` of W as floats, [n, range.count] row-major (INT8 values times their scale).
        func columns(_ range: Range<Int>) -> [Float] {
            var out = [Float](repeating: 0, count: n * range.count)
            for row in 0..<n {
                for (j, col) in range.enumerated() {
                    switch weights {
                    case .f32(let w): out[row * range.count + j] = w[row * k + col]
                    case .s8(let q, let scales): out[row * range.count + j] = Float(q[row * k + col]) * scales[row]
                    }
                }
            }
            return out
        }
        /// A GEMM layer over columns `range` of W, keeping INT8 values and scales as they are.
        func linear(_ range: Range<Int>) -> Linear {
            guard case .s8(let q, let scales) = weights else {
                return LinearLoader(storage: storage, quantized: false).floatLinear(columns(range), bias: nil, n: n, k: range.count)
            }
            var slice = [Int8](repeating: 0, count: n * range.count)
            for row in 0..<n {
                for (j, col) in range.enumerated() { slice[row * range.count + j] = q[row * k + col] }
            }
            let (packed, sums) = QuantizedMatrix.pack(slice, n: n, k: range.count)
            return Linear(weights: .s8(packed: storage.copy(packed), colsums: storage.copy(sums), scales: scales),
                          bias: nil, n: n, k: range.count)
        }

        let quantized: Bool
        if case .s8 = weights { quantized = true } else { quantized = false }
        self.bias = bias
        chars = Self.project(rows: Array(0..<charTable.rows), of: charTable, through: columns(0..<c.charDim), n: n,
                             quantized: quantized, storage: storage, isa: isa, threads: threads)
        let bd = c.bigramDim
        let left = c.charDim..<(c.charDim + bd)
        let right = (c.charDim + bd)..<(c.charDim + 2 * bd)
        if foldedBigrams.isEmpty {
            (bigramSlots, leftBigrams, rightBigrams) = ([], nil, nil)
        } else {
            bigramSlots = Self.slots(of: foldedBigrams, count: bigramTable.rows)
            leftBigrams = Self.project(rows: foldedBigrams, of: bigramTable, through: columns(left), n: n,
                                       quantized: quantized, storage: storage, isa: isa, threads: threads)
            rightBigrams = Self.project(rows: foldedBigrams, of: bigramTable, through: columns(right), n: n,
                                        quantized: quantized, storage: storage, isa: isa, threads: threads)
        }
        let d = c.lexiconDim
        let lexiconStart = c.charDim + 2 * bd
        let sets = (0..<4).map { (lexiconStart + $0 * d)..<(lexiconStart + ($0 + 1) * d) }
        let classOut = storage.allocate(4 * c.lexiconClasses * n, of: Float.self)
        for (set, range) in sets.enumerated() {
            zk_sgemm_nt(isa.kernel, Int32(c.lexiconClasses), Int32(n), Int32(d), 1, classTable, Int32(d), columns(range),
                        Int32(d), classOut + set * c.lexiconClasses * n, Int32(n))
        }
        classes = UnsafePointer(classOut)
        if let wordTable, !foldedWords.isEmpty {
            let perSet = sets.indices.map { set in
                foldedWords.filter { $0 / c.lexiconWordRows == set }.map { $0 % c.lexiconWordRows }
            }
            wordSlots = perSet.map { Self.slots(of: $0, count: c.lexiconWordRows) }
            words = zip(sets, perSet).map { range, rows in
                rows.isEmpty ? nil : Self.project(rows: rows, of: wordTable, through: columns(range), n: n, quantized: quantized,
                                                  storage: storage, isa: isa, threads: threads)
            }
        } else {
            (wordSlots, words) = ([], [])
        }
        let wordColumn = Self.wordColumn(c)
        groups = [Group(column: 0, linear: linear(left)), Group(column: bd, linear: linear(right))]
            + (wordTable != nil ? sets.enumerated().map { Group(column: wordColumn + $0 * d, linear: linear($1)) } : [])
    }

    /// `rows` of `table` times wᵀ ([n, table.width]): an n-wide table with one row per entry of
    /// `rows`, int8 rows with scales when `quantized`. Blocks of rows go to `threads` workers, so
    /// the float intermediates stay small and start-up stays short.
    private static func project(rows: [Int], of table: EmbeddingTable, through w: [Float], n: Int, quantized: Bool,
                                storage: WeightStorage, isa: ISA, threads: Int) -> EmbeddingTable
    {
        let block = 256
        let width = table.width
        let values = SharedPointer(storage.allocate(quantized ? 0 : rows.count * n, of: Float.self))
        let q = SharedPointer(storage.allocate(quantized ? rows.count * n : 0, of: Int8.self))
        let scales = SharedPointer(storage.allocate(quantized ? rows.count : 0, of: Float.self))
        // The panel GEMM on packed weights: the fastest FP32 kernel (the fold is start-up time).
        var packed = [Float](repeating: 0, count: zk_f32_packed_count(Int32(n), Int32(width)))
        zk_f32_pack(w, Int32(n), Int32(width), &packed)
        let blocks = (rows.count + block - 1) / block
        Parallel.forEach(blocks, threads: threads) { b in
            let first = b * block
            let m = min(block, rows.count - first)
            var inputs = [Float](repeating: 0, count: m * width)
            inputs.withUnsafeMutableBufferPointer { r in
                for i in 0..<m { table.add(row: rows[first + i], into: r.baseAddress! + i * width) }
            }
            guard quantized else {
                zk_gemm_f32(isa.kernel, Int32(m), Int32(n), Int32(width), inputs, Int32(width), packed, nil,
                            values.base + first * n, Int32(n), 0, Int32(n))
                return
            }
            var projected = [Float](repeating: 0, count: m * n)
            zk_gemm_f32(isa.kernel, Int32(m), Int32(n), Int32(width), inputs, Int32(width), packed, nil,
                        &projected, Int32(n), 0, Int32(n))
            zk_quantize_rows_s8(Int32(m), Int32(n), projected, Int32(n), q.base + first * n, Int32(n), scales.base + first)
        }
        if quantized {
            return EmbeddingTable(storage: .s8(UnsafePointer(q.base), scales: UnsafePointer(scales.base)), rows: rows.count, width: n)
        }
        return EmbeddingTable(storage: .f32(UnsafePointer(values.base)), rows: rows.count, width: n)
    }

    /// Row-major [n, k] int8 values of a "zk-s8-n16k4" packed matrix (ckernels.h).
    static func unpack(_ packed: UnsafePointer<Int8>, n: Int, k: Int) -> [Int8] {
        let groups = Int(zk_round_up(Int32(k), Int32(ZK_KGROUP))) / 4
        var out = [Int8](repeating: 0, count: n * k)
        for row in 0..<n {
            let block = row / 16, j = row % 16
            for col in 0..<k {
                out[row * k + col] = packed[((block * groups + col / 4) * 64) + j * 4 + col % 4]
            }
        }
        return out
    }
}
