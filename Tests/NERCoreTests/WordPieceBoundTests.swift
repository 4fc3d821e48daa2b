import Foundation
@testable import NERCore
import Testing

/// WordPiece tries no candidate longer than the vocabulary's longest token (that bound took a
/// 100-letter word from O(n³) to O(n)); the pieces must be exactly those of the unbounded search.
@Suite struct WordPieceBoundTests {
    /// Greedy longest-match-first over every end, as HuggingFace does it: the reference.
    static func unboundedPieces(_ word: [Unicode.Scalar], _ vocabulary: Vocabulary) -> [Int32]? {
        var ids: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while end > start, found == nil {
                var candidate = start > 0 ? "##" : ""
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                found = vocabulary.id(candidate)
                if found == nil { end -= 1 }
            }
            guard let id = found else { return nil }
            ids.append(id)
            start = end
        }
        return ids
    }

    @Test func longWordsSplitAsWithoutTheBound() throws {
        let vocabulary = try Fixtures.vocabulary
        #expect(vocabulary.longestToken == vocabulary.tokens.map { $0.unicodeScalars.count }.max())
        let tokenizer = try BertTokenizer(vocabulary: vocabulary)
        // Words made of the vocabulary's own pieces, so long matches exist, up to the 100-character limit.
        let pieces = vocabulary.tokens.filter { $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) } }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var word = ""
            while word.unicodeScalars.count < Int.random(in: 10...100, using: &generator) {
                word += pieces.randomElement(using: &generator) ?? "a"
            }
            word = String(String.UnicodeScalarView(word.unicodeScalars.prefix(100)))
            let expected = Self.unboundedPieces(Array(word.unicodeScalars), vocabulary) ?? [tokenizer.unkID]
            #expect(tokenizer.encode(word).ids == expected, "\(word)")
        }
    }
}
