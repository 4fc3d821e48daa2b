import Foundation

/// The word list of a BiLSTM model, matched against every substring of up to `maxWordLength` code
/// points (tools/train/SPEC.md §3).
///
/// Held as a trie in breadth-first order (CSR): node 0 is the root, the children of node n are the
/// nodes `childStart[n] ..< childStart[n + 1]`, sorted by the code point on their edge. A scan from
/// each position stops at the first prefix no word continues. The five arrays are written by
/// `zhner quantize` into the INT8 model file and used in place from the mapping, so an INT8 model
/// loads its 349k-word lexicon without parsing anything; a float model builds them from
/// `lexicon.txt` (`word<TAB>class<TAB>row<TAB>weight`).
struct Lexicon: @unchecked Sendable {
    // Pointers into the model's WeightStorage (mapped file or load-time buffers): read-only.
    struct Word: Sendable, Equatable {
        let classID: Int32
        let row: Int32
        let weight: Int32
    }

    struct Match: Equatable {
        let start: Int
        let length: Int
        let word: Word

        /// SoftLexicon's feature set of position `p` (SPEC.md §3): B 0 (the word begins there),
        /// M 1 (inside), E 2 (ends there), S 3 (the word is that one character).
        func set(at p: Int) -> Int {
            length == 1 ? 3 : (p == start ? 0 : (p == start + length - 1 ? 2 : 1))
        }
    }

    /// Tensor names in INT8 model files.
    enum Names {
        static let childStart = "lexicon.child_start"
        static let edge = "lexicon.edge"
        static let wordClass = "lexicon.word_class"
        static let wordRow = "lexicon.word_row"
        static let wordWeight = "lexicon.word_weight"
    }

    /// Class stored for nodes where no word ends.
    static let noWord: UInt8 = 255

    let maxWordLength: Int
    let nodes: Int
    private let childStart: UnsafePointer<Int32>
    private let edge: UnsafePointer<Int32>
    private let wordClass: UnsafePointer<UInt8>
    private let wordRow: UnsafePointer<Int32>
    private let wordWeight: UnsafePointer<UInt8>
    /// What owns the memory the pointers point into (the mapped file or the load-time buffers).
    private let owner: AnyObject

    /// The compiled trie of an INT8 file, if it has one; its words must fit the model's `classes`
    /// and `wordRows` (the encoder indexes tables with them).
    init?(file: SafeTensors, maxWordLength: Int, classes: Int, wordRows: Int) throws {
        guard let t = file.tensors[Names.edge] else { return nil }
        let n = t.elementCount
        self.maxWordLength = maxWordLength
        nodes = n
        childStart = try file.pointer(to: Names.childStart, as: Int32.self, dtype: .i32, count: n + 1)
        edge = try file.pointer(to: Names.edge, as: Int32.self, dtype: .i32, count: n)
        wordClass = try file.pointer(to: Names.wordClass, as: UInt8.self, dtype: .u8, count: n)
        wordRow = try file.pointer(to: Names.wordRow, as: Int32.self, dtype: .i32, count: n)
        wordWeight = try file.pointer(to: Names.wordWeight, as: UInt8.self, dtype: .u8, count: n)
        owner = file
        // Child ranges must stay inside the trie: non-decreasing, from 1 (the root's first child) to n.
        var ok = n >= 1 && childStart[0] == 1 && childStart[n] == Int32(n)
        for i in 0..<n where childStart[i] > childStart[i + 1] { ok = false }
        guard ok else { throw NERError.modelFile(file.path, "\(Names.childStart) is not a breadth-first trie") }
        for i in 0..<n where wordClass[i] != Lexicon.noWord {
            guard Int(wordClass[i]) < classes, (-1..<Int32(wordRows)).contains(wordRow[i]), (1...254).contains(wordWeight[i]) else {
                throw NERError.modelFile(file.path, "lexicon node \(i) has a word outside the config's \(classes) classes, "
                                         + "\(wordRows) word rows or weights 1...254")
            }
        }
    }

    /// Builds the trie from `lexicon.txt`, into buffers owned by `storage`.
    init(path: String, maxWordLength: Int, classes: Int, wordRows: Int, storage: WeightStorage) throws {
        let trie = try LexiconBuilder(path: path, maxWordLength: maxWordLength, classes: classes, wordRows: wordRows)
        let arrays = trie.breadthFirst()
        self.maxWordLength = maxWordLength
        nodes = arrays.edge.count
        childStart = storage.copy(arrays.childStart)
        edge = storage.copy(arrays.edge)
        wordClass = storage.copy(arrays.wordClass)
        wordRow = storage.copy(arrays.wordRow)
        wordWeight = storage.copy(arrays.wordWeight)
        owner = storage
    }

    /// The child of `node` along code point `c`, if any (binary search over its sorted edges).
    private func child(_ node: Int, _ c: UInt32) -> Int? {
        var lo = Int(childStart[node])
        var hi = Int(childStart[node + 1])
        let key = Int32(bitPattern: c)
        while lo < hi {
            let mid = (lo + hi) >> 1
            if edge[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < Int(childStart[node + 1]) && edge[lo] == key ? lo : nil
    }

    /// Every lexicon word in `chars` (normalised code points), by start then length.
    func matches(_ chars: UnsafeBufferPointer<UInt32>, into out: inout [Match]) {
        out.removeAll(keepingCapacity: true)
        for start in 0..<chars.count {
            var node = 0
            for length in 1...min(maxWordLength, chars.count - start) {
                guard let next = child(node, chars[start + length - 1]) else { break }
                node = next
                if wordClass[node] != Lexicon.noWord {
                    out.append(Match(start: start, length: length,
                                     word: Word(classID: Int32(wordClass[node]), row: wordRow[node], weight: Int32(wordWeight[node]))))
                }
            }
        }
    }

    /// The five arrays, for `zhner quantize` to store.
    func tensors() -> (childStart: [Int32], edge: [Int32], wordClass: [UInt8], wordRow: [Int32], wordWeight: [UInt8]) {
        (Array(UnsafeBufferPointer(start: childStart, count: nodes + 1)), Array(UnsafeBufferPointer(start: edge, count: nodes)),
         Array(UnsafeBufferPointer(start: wordClass, count: nodes)), Array(UnsafeBufferPointer(start: wordRow, count: nodes)),
         Array(UnsafeBufferPointer(start: wordWeight, count: nodes)))
    }
}

/// Parses `lexicon.txt` into a trie numbered in insertion order, then renumbers it breadth-first.
struct LexiconBuilder {
    private var children: [UInt64: Int32] = [:]
    private var parent: [Int32] = [-1]
    private var scalar: [UInt32] = [0]
    private var depth: [Int32] = [0]
    private var word: [Lexicon.Word?] = [nil]

    init(path: String, maxWordLength: Int, classes: Int, wordRows: Int) throws {
        let data: Data
        do { data = try FileBytes.read(path) } catch {
            throw NERError.modelFile(path, "cannot read lexicon: \(error.reason)")
        }
        guard classes < Int(Lexicon.noWord) else {
            throw NERError.modelFile(path, "\(classes) lexicon classes; zhner stores at most \(Lexicon.noWord - 1)")
        }
        // Parsed from bytes: Substring splitting and Int(String) conversions made loading the
        // 349k-word lexicon take over a second.
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineNumber = 0
            var i = 0
            var letters: [UInt32] = []
            while i < bytes.count {
                lineNumber += 1
                var end = i
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                defer { i = end + 1 }
                if end == i { continue }
                func bad() -> NERError {
                    .modelFile(path, "line \(lineNumber) is not word<TAB>class<TAB>row<TAB>weight within the config's limits")
                }
                var tab = i
                while tab < end, bytes[tab] != 0x09 { tab += 1 }
                guard tab > i, tab < end,
                      let w = String(validating: UnsafeBufferPointer(rebasing: bytes[i..<tab]), as: UTF8.self)
                else { throw bad() }
                letters.removeAll(keepingCapacity: true)
                for u in w.unicodeScalars { letters.append(u.value) }
                var fields: [Int] = []
                var p = tab + 1
                while fields.count < 3 {
                    var negative = false
                    if p < end, bytes[p] == UInt8(ascii: "-") {
                        negative = true
                        p += 1
                    }
                    var value = 0
                    let digitsStart = p
                    while p < end, (0x30...0x39).contains(bytes[p]), value < Int(Int32.max) {
                        value = value * 10 + Int(bytes[p] - 0x30)
                        p += 1
                    }
                    guard p > digitsStart else { throw bad() }
                    fields.append(negative ? -value : value)
                    if fields.count < 3 {
                        guard p < end, bytes[p] == 0x09 else { throw bad() }
                        p += 1
                    }
                }
                // Weights are stored in a byte: round(ln(1 + frequency)) stays far below 255.
                guard p == end, letters.count <= maxWordLength, (0..<classes).contains(fields[0]),
                      (-1..<wordRows).contains(fields[1]), (1...254).contains(fields[2])
                else { throw bad() }
                insert(letters, Lexicon.Word(classID: Int32(fields[0]), row: Int32(fields[1]), weight: Int32(fields[2])))
            }
        }
    }

    private mutating func insert(_ letters: [UInt32], _ w: Lexicon.Word) {
        var node: Int32 = 0
        for c in letters {
            let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(c)
            if let next = children[key] {
                node = next
            } else {
                let next = Int32(parent.count)
                children[key] = next
                parent.append(node)
                scalar.append(c)
                depth.append(depth[Int(node)] + 1)
                word.append(nil)
                node = next
            }
        }
        word[Int(node)] = w
    }

    /// Nodes sorted by (depth, parent's new index, edge code point): each node's children are then
    /// one contiguous, sorted run.
    func breadthFirst() -> (childStart: [Int32], edge: [Int32], wordClass: [UInt8], wordRow: [Int32], wordWeight: [UInt8]) {
        let n = parent.count
        var rank = [Int32](repeating: 0, count: n)
        let order = (1..<n).sorted { a, b in
            (depth[a], scalar[a]) < (depth[b], scalar[b])
        }
        // Depth by depth, so parents are ranked before their children are ordered.
        var byDepth: [[Int]] = []
        for node in order {
            let d = Int(depth[node])
            while byDepth.count < d { byDepth.append([]) }
            byDepth[d - 1].append(node)
        }
        var sequence: [Int] = [0]
        for level in byDepth {
            let sorted = level.sorted { (rank[Int(parent[$0])], scalar[$0]) < (rank[Int(parent[$1])], scalar[$1]) }
            for node in sorted {
                rank[node] = Int32(sequence.count)
                sequence.append(node)
            }
        }
        var childStart = [Int32](repeating: 0, count: n + 1)
        var counts = [Int32](repeating: 0, count: n)
        for node in 1..<n { counts[Int(rank[Int(parent[node])])] += 1 }
        // Children of the node ranked r start right after all children of nodes ranked below r.
        var next: Int32 = 1
        for r in 0..<n {
            childStart[r] = next
            next += counts[r]
        }
        childStart[n] = next
        let edge = sequence.map { Int32(bitPattern: scalar[$0]) }
        let wordClass = sequence.map { word[$0].map { UInt8($0.classID) } ?? Lexicon.noWord }
        let wordRow = sequence.map { word[$0]?.row ?? -1 }
        let wordWeight = sequence.map { UInt8(word[$0]?.weight ?? 0) }
        return (childStart, edge, wordClass, wordRow, wordWeight)
    }
}
