/// A window of a sentence's tokens to score: tokens `tokens` of `encoding`, over the text `scalars`.
struct ModelWindow {
    let encoding: Encoding
    let tokens: Range<Int>
    let scalars: [Unicode.Scalar]
    /// The corpus the whole text resembles (`TokenClassifier.corpusGuess`), 0 = general.
    var corpus: Int = 0
}

/// Consecutive ranges of items whose sizes add up to at most `capacity` each (an item larger than
/// `capacity` gets a range of its own): the batches one workspace can run.
func batches(sizes: [Int], capacity: Int) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var start = 0
    while start < sizes.count {
        var end = start
        var total = 0
        while end < sizes.count, end == start || total + sizes[end] <= capacity {
            total += sizes[end]
            end += 1
        }
        out.append(start..<end)
        start = end
    }
    return out
}
