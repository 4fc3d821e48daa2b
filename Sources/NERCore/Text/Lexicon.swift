import Foundation

/// The word list of a BiLSTM model (`lexicon.txt`: `word<TAB>class<TAB>row<TAB>weight`), matched
/// against every substring of up to `maxWordLength` code points (tools/train/SPEC.md §3).
///
/// Stored as a trie in one hash map keyed by (node, code point), so a scan from each position
/// stops as soon as no word continues — a few lookups per position rather than `maxWordLength`.
struct Lexicon: Sendable {
    struct Word: Sendable, Equatable {
        let classID: Int32
        let row: Int32
        let weight: Int32
    }

    struct Match: Equatable {
        let start: Int
        let length: Int
        let word: Word
    }

    let maxWordLength: Int
    private var children: [UInt64: Int32] = [:]
    /// Word ending at each trie node, if any (node 0 is the root).
    private var words: [Word?] = [nil]

    init(path: String, maxWordLength: Int, classes: Int, wordRows: Int) throws {
        self.maxWordLength = maxWordLength
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw NERError.modelFile(path, "cannot read lexicon: \(error.localizedDescription)")
        }
        // Parsed from bytes: Substring splitting and Int(String) conversions made loading the
        // 349k-word lexicon take over a second.
        // About one trie node per 4 bytes of text (3-byte CJK characters plus fields): reserving
        // avoids rehashing a map of several hundred thousand entries while loading.
        children.reserveCapacity(data.count / 4)
        words.reserveCapacity(data.count / 4)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lineNumber = 0
            var i = 0
            var word: [UInt32] = []
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
                word.removeAll(keepingCapacity: true)
                for u in w.unicodeScalars { word.append(u.value) }
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
                guard p == end, word.count <= maxWordLength,
                      (0..<classes).contains(fields[0]), (-1..<wordRows).contains(fields[1]), fields[2] >= 1
                else { throw bad() }
                insert(word, Word(classID: Int32(fields[0]), row: Int32(fields[1]), weight: Int32(fields[2])))
            }
        }
    }

    private mutating func insert(_ scalars: [UInt32], _ word: Word) {
        var node: Int32 = 0
        for s in scalars {
            let key = Lexicon.key(node, s)
            if let child = children[key] {
                node = child
            } else {
                let child = Int32(words.count)
                words.append(nil)
                children[key] = child
                node = child
            }
        }
        words[Int(node)] = word
    }

    private static func key(_ node: Int32, _ scalar: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 32 | UInt64(scalar)
    }

    /// Every lexicon word in `chars` (normalised code points), by start then length.
    func matches(_ chars: UnsafeBufferPointer<UInt32>, into out: inout [Match]) {
        out.removeAll(keepingCapacity: true)
        for start in 0..<chars.count {
            var node: Int32 = 0
            for length in 1...min(maxWordLength, chars.count - start) {
                guard let child = children[Lexicon.key(node, chars[start + length - 1])] else { break }
                node = child
                if let w = words[Int(node)] { out.append(Match(start: start, length: length, word: w)) }
            }
        }
    }
}
