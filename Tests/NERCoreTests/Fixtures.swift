import Foundation
@testable import NERCore

/// Paths of the committed fixtures (see Fixtures/README.md for how they were made).
enum Fixtures {
    static let root: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func jsonLines(_ relative: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path(relative), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    static func json(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static var vocabulary: Vocabulary {
        get throws { try Vocabulary(contentsOf: URL(fileURLWithPath: path("vocab.txt"))) }
    }
}

/// A fresh temporary directory, removed by the caller's `defer`.
func temporaryDirectory() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

extension Recognizer {
    var bert: BertModel { model as! BertModel }

    /// Logits of whole token-id sequences, special tokens included.
    func logits(for sequences: [[Int32]]) -> [[Float]] {
        var out = [[Float]](repeating: [], count: sequences.count)
        bert.logits(for: sequences) { i, rows in
            out[i] = Array(UnsafeBufferPointer(start: rows, count: sequences[i].count * labels.count))
        }
        return out
    }
}

/// Deterministic test inputs (SplitMix64).
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-scale, scale).
    mutating func float(_ scale: Float = 1) -> Float {
        Float(Double(next() >> 11) / 9_007_199_254_740_992.0 * 2 - 1) * scale
    }

    mutating func int8() -> Int8 { Int8(truncatingIfNeeded: next()) }
}
