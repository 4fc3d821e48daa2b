/// A window of a sentence's tokens that fits the model, and the part of it whose predictions
/// are kept (its core); the rest is context shared with the neighbouring windows.
struct TokenWindow: Equatable, Sendable {
    let tokens: Range<Int>
    let core: Range<Int>
}

/// Splits a token sequence longer than the model's window into overlapping windows whose cores
/// tile the sequence exactly, so every token is predicted once, with context on both sides.
enum Chunker {
    /// - Parameters:
    ///   - count: tokens in the sequence.
    ///   - capacity: tokens a window holds.
    ///   - cutPriority: how good a place it is to end a core before token i (higher is better,
    ///     e.g. after a comma > between words > inside a word); the rightmost best one wins.
    static func windows(count: Int, capacity: Int, cutPriority: (Int) -> Int) -> [TokenWindow] {
        precondition(capacity >= 4)
        if count <= capacity { return [TokenWindow(tokens: 0..<count, core: 0..<count)] }
        // Context on each side: a quarter of the window, at most 32 tokens (enough for any name).
        let overlap = min(capacity / 4, 32)
        var out: [TokenWindow] = []
        var coreStart = 0
        var windowStart = 0
        while true {
            let windowEnd = min(count, windowStart + capacity)
            if windowEnd == count {
                out.append(TokenWindow(tokens: windowStart..<count, core: coreStart..<count))
                return out
            }
            let latest = windowEnd - overlap
            let earliest = max(coreStart + 1, latest - capacity / 4)
            let cut = bestCut(in: earliest...latest, cutPriority: cutPriority)
            out.append(TokenWindow(tokens: windowStart..<windowEnd, core: coreStart..<cut))
            coreStart = cut
            windowStart = cut - overlap
        }
    }

    /// The place in `range` with the highest `cutPriority`, the rightmost on ties.
    static func bestCut(in range: ClosedRange<Int>, cutPriority: (Int) -> Int) -> Int {
        var cut = range.upperBound
        var best = Int.min
        for p in stride(from: range.upperBound, through: range.lowerBound, by: -1) {
            let priority = cutPriority(p)
            if priority > best {
                best = priority
                cut = p
            }
        }
        return cut
    }
}
