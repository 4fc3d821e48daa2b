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
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NERError.modelFile(path, "cannot read lexicon: \(error.localizedDescription)")
        }
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, !fields[0].isEmpty, fields[0].unicodeScalars.count <= maxWordLength,
                  let cls = Int32(fields[1]), cls >= 0, cls < classes,
                  let row = Int32(fields[2]), row >= -1, row < wordRows,
                  let weight = Int32(fields[3]), weight >= 1
            else {
                throw NERError.modelFile(path, "line \(lineNumber) is not word<TAB>class<TAB>row<TAB>weight within the config's limits")
            }
            insert(fields[0].unicodeScalars, Word(classID: cls, row: row, weight: weight))
        }
    }

    private mutating func insert(_ scalars: Substring.UnicodeScalarView, _ word: Word) {
        var node: Int32 = 0
        for s in scalars {
            let key = Lexicon.key(node, s.value)
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
