import Foundation
import FuzzSupport
@testable import NERCore

// Tokenizer + offset mapping. For any text: every token spans 1+ code points inside the text,
// tokens come in text order, different words never overlap, and cutting the text at sentence
// boundaries tokenizes into exactly the whole text's tokens (what Recognizer.prepare relies on).

private let vocabulary = try! Vocabulary(contentsOf: URL(fileURLWithPath: Fixtures.tinyBert + "/vocab.txt"))
private let tokenizers = [
    try! BertTokenizer(vocabulary: vocabulary),
    // Cased, accents kept, a short word limit: the other branches of normalisation and WordPiece.
    try! BertTokenizer(vocabulary: vocabulary, options: .init(lowercase: false, stripAccents: false, maxCharsPerWord: 8)),
]

private func checkOffsets(_ e: Encoding, scalarCount n: Int) {
    invariant(e.ids.count == e.starts.count && e.ids.count == e.ends.count && e.ids.count == e.wordIDs.count, "ragged encoding")
    for t in 0..<e.count {
        let (s, x) = (Int(e.starts[t]), Int(e.ends[t]))
        invariant(0 <= s && s < x && x <= n, "token \(t) spans \(s)..<\(x) of \(n) code points")
        invariant(e.ids[t] >= 0 && Int(e.ids[t]) < vocabulary.count, "token \(t) id \(e.ids[t]) outside the vocabulary")
        guard t > 0 else {
            invariant(e.wordIDs[0] == 0, "word ids start at 0")
            continue
        }
        invariant(e.starts[t] >= e.starts[t - 1] && e.ends[t] >= e.ends[t - 1], "token \(t) out of order")
        let step = e.wordIDs[t] - e.wordIDs[t - 1]
        invariant(step == 0 || step == 1, "word ids jump by \(step) at token \(t)")
        if step == 1 { invariant(e.starts[t] >= e.ends[t - 1], "words overlap at token \(t)") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let tokenizer = tokenizers[Int(data[0]) % tokenizers.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let scalars = Array(text.unicodeScalars)
    let whole = tokenizer.encode(scalars[...])
    checkOffsets(whole, scalarCount: scalars.count)
    invariant(whole == tokenizer.encode(text), "String and scalar-slice entry points disagree")

    // Re-tokenizing sentence by sentence yields the same tokens with the same (absolute) offsets.
    var pieces = Encoding()
    var previousEnd = 0
    for range in SentenceSplitter.split(scalars[...]) {
        invariant(!range.isEmpty && range.lowerBound >= previousEnd && range.upperBound <= scalars.count,
                  "sentence \(range) out of order or outside the text")
        previousEnd = range.upperBound
        let part = tokenizer.encode(scalars[range])
        for t in 0..<part.count {
            invariant(range.contains(Int(part.starts[t])) && Int(part.ends[t]) <= range.upperBound, "offset escapes its slice")
            pieces.append(id: part.ids[t], start: part.starts[t], end: part.ends[t], word: 0)
        }
    }
    invariant(pieces.ids == whole.ids && pieces.starts == whole.starts && pieces.ends == whole.ends,
              "sentence-wise tokens differ from the whole text's")
    return 0
}
