import Foundation
import FuzzSupport
@testable import NERCore

// The personal-data pattern recognizers (docs/PRIVACY.md) and their merge. Input: one byte that
// picks a subset of the types, then text (lossy UTF-8). Entities must be sorted, never overlap, lie
// inside the text with its own slice as their text, have a known type, source `pattern` and a
// score in [0, 1]; asking for a subset of types gives the full result filtered (overlaps are
// resolved before the filter); merging them into nothing gives them back, and a model entity over
// the whole text survives only if there are none.

private let types = PatternType.allCases.map(\.rawValue)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPatterns(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let scalars = Array(text.unicodeScalars)
    let all = PatternRecognizer.find(in: text)
    checkEntities(all, scalars, knownType: PatternRecognizer.allTypes.contains)
    invariant(all.allSatisfy { $0.source == .pattern }, "a pattern entity whose source is not pattern")
    // Bit k of the first byte asks for types k and k + 8.
    let subset = Set(types.indices.filter { data[0] >> ($0 % 8) & 1 == 1 }.map { types[$0] })
    invariant(PatternRecognizer.find(in: text, types: subset) == all.filter { subset.contains($0.type) },
              "the \(subset.sorted()) result is not the full result filtered")
    invariant(PatternMerge.merge([], patterns: all) == all, "merging into nothing changed the patterns")
    let whole = Entity(type: "MISC", start: 0, end: max(1, scalars.count), text: text, score: 0.5)
    let merged = PatternMerge.merge([whole], patterns: all)
    invariant(merged == (all.isEmpty ? [whole] : all), "a model entity over the whole text survived patterns, or patterns were lost")
    return 0
}
