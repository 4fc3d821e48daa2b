import Foundation
import FuzzSupport
@testable import NERCore

// Long-text chunking and merging: sentences, overlapping windows and the merge of their cores.
// The tiny BERT model is loaded with a 16-token window, so a few dozen characters already take the
// long-text path. Entities must be sorted, never overlap, lie inside the text with the text's own
// slice as their text, and be the same whether the text runs alone, in a batch or streamed.

private let recognizer = try! Recognizer(modelDirectory: Fixtures.tinyBert,
                                         options: .init(threads: 1, maxBatchTokens: 64, maxSequenceLength: 16))

private func checkWindows(count: Int, capacity: Int) {
    let windows = Chunker.windows(count: count, capacity: capacity) { p in (p * 7919) % 3 }
    var covered = 0
    for w in windows {
        invariant(w.tokens.count <= capacity && w.tokens.lowerBound >= 0 && w.tokens.upperBound <= count, "window \(w.tokens)")
        invariant(w.core.lowerBound == covered && !w.core.isEmpty || count == 0, "cores do not tile at \(covered)")
        invariant(w.tokens.lowerBound <= w.core.lowerBound && w.core.upperBound <= w.tokens.upperBound, "core outside its window")
        covered = w.core.upperBound
    }
    invariant(covered == count, "cores cover \(covered) of \(count) tokens")
}

/// CRF marginals over a long sequence built from the input: a few distinct emission rows with large
/// scores, repeated as an unbroken text repeats its characters (the shape that once drifted to
/// scores of 5.4 and `inf` in Float32). Each position's marginals must be probabilities summing to 1.
private func checkMarginals(_ data: UnsafePointer<UInt8>, _ size: Int) {
    let labels = 2 + Int(data[0]) % 7
    let scale = Float(1 + Int(data[1]) % 40)
    func value(_ i: Int) -> Float { (Float(data[i % size]) - 127.5) / 127.5 * scale }
    let crf = CRF(labels: labels, transitions: (0..<(labels * labels)).map { value($0 + 2) },
                  start: (0..<labels).map { value($0 + 5) }, end: (0..<labels).map { value($0 + 7) })
    let steps = size * 16
    let emissions = (0..<(steps * labels)).map { value(($0 / labels % 3) * labels + $0 % labels + 11) }
    let marginals = emissions.withUnsafeBufferPointer { crf.marginals($0) }
    for t in 0..<steps {
        var sum: Float = 0
        for j in 0..<labels {
            let p = marginals[t * labels + j]
            invariant(p.isFinite && p >= 0 && p <= 1, "marginal \(p) at step \(t) of \(steps)")
            sum += p
        }
        invariant(abs(sum - 1) < 1e-3, "marginals sum to \(sum) at step \(t) of \(steps)")
    }
}

/// A document read in parts (`TextSegments`, the server's text/plain bodies): bytes that are not
/// UTF-8 throw at the first bad byte, as Swift's own validation finds it; else the parts tile the
/// text (less a leading BOM), each at most `limit` code points and ending where the whole text's
/// sentences end unless it is `limit` long; and where no part was cut short of a sentence end,
/// the parts' entities (`recognize(part:of:)`) are the whole text's.
private func checkParts(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) {
    let valid = String(validating: bytes, as: UTF8.self)
    var text = valid ?? ""
    if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
    let scalars = Array(text.unicodeScalars)
    let ends = Set(SentenceSplitter.split(scalars[...]).map(\.upperBound))
    var summary = TextSummary()
    var parts: [(text: String, start: Int)] = []
    var reader = TextSegments(bytes.makeIterator(), limit: limit)
    do {
        while let part = try reader.next() {
            // Bytes that are not UTF-8 may still give parts before the first bad byte: only the
            // error is checked for them, below.
            guard valid != nil else { continue }
            let n = part.text.unicodeScalars.count
            let end = parts.last.map { $0.start + $0.text.unicodeScalars.count } ?? 0
            invariant(part.start == end && n > 0 && n <= limit, "part at \(part.start) of \(n) after \(end), limit \(limit)")
            invariant(part.start + n == scalars.count || ends.contains(part.start + n) || n == limit, "part ends at \(part.start + n), no sentence end")
            parts.append(part)
            recognizer.summarize(part.text.unicodeScalars, into: &summary)
        }
    } catch {
        invariant(valid == nil, "valid UTF-8 refused at byte \(error.byteOffset)")
        invariant(String(validating: bytes[..<error.byteOffset], as: UTF8.self) != nil, "bytes before \(error.byteOffset) are not valid")
        return
    }
    invariant(valid != nil, "bytes that are not UTF-8 read as a text")
    invariant(parts.map(\.text).joined() == text, "parts do not make the text")
    let cutShort = parts.dropLast().contains { !ends.contains($0.start + $0.text.unicodeScalars.count) }
    guard !cutShort, recognizer.model.encode(scalars[...]).count > recognizer.model.windowCapacity else { return }
    var found: [Entity] = []
    for part in parts {
        recognizer.recognize(part: part.text, of: summary, pieceTokens: 8) { entities, _, _ in
            found += entities.map { e in
                var shifted = e
                shifted.start += part.start
                shifted.end += part.start
                return shifted
            }
        }
    }
    invariant(found == recognizer.recognize(text), "the parts' entities differ from the whole text's")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunking(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    guard size >= 2 else { return 0 }
    // The first two bytes also drive the window splitter alone, over sizes the model never sees.
    checkWindows(count: Int(data[0]) * 8 + Int(data[1] % 8), capacity: 4 + Int(data[1]) % 60)
    checkMarginals(data, size)
    checkParts(UnsafeBufferPointer(start: data + 2, count: size - 2), limit: 1 + Int(data[0]) % 40)
    let text = String(decoding: UnsafeBufferPointer(start: data + 2, count: size - 2), as: UTF8.self)
    let scalars = Array(text.unicodeScalars)
    let alone = recognizer.recognize(text)
    checkEntities(alone, scalars, knownType: recognizer.entityTypes.contains)
    let batch = recognizer.recognize(batch: ["北京", text])
    invariant(batch[1] == alone, "a text's entities change when it shares a batch")
    var streamed: [Entity] = []
    var processed = 0
    recognizer.recognize(text, pieceTokens: 1 + Int(data[0]) % 24) { entities, done, total in
        invariant(total == scalars.count && done >= processed && done <= total, "progress \(done)/\(total) after \(processed)")
        invariant(entities.allSatisfy { $0.start >= processed }, "a piece repeats earlier entities")
        streamed += entities
        processed = done
    }
    invariant(processed == scalars.count, "the stream stops at \(processed) of \(scalars.count)")
    invariant(streamed == alone, "streamed entities differ from the whole text's")
    return 0
}
