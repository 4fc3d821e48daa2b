import Dispatch
import Synchronization

/// A window of a sentence's tokens to score: tokens `tokens` of `encoding`, over the text `scalars`.
struct ModelWindow {
    let encoding: Encoding
    let tokens: Range<Int>
    let scalars: [Unicode.Scalar]
    /// The corpus the whole text resembles (`TokenClassifier.corpus(of:)`), 0 = general.
    var corpus: Int = 0
}

/// What `Recognizer` needs from a loaded architecture: tokens with offsets, and a score per label
/// per token. Chunking, decoding and entity assembly are shared.
protocol TokenClassifier: Sendable {
    var labels: [String] { get }
    var crf: CRF? { get }
    /// Most tokens one window may hold (special tokens excluded).
    var windowCapacity: Int { get }
    /// Bytes of the preallocated workspaces.
    var workspaceBytes: Int { get }
    /// One line on the architecture, for `zhner info` and the server's model metadata.
    var architecture: String { get }

    func encode(_ scalars: ArraySlice<Unicode.Scalar>) -> Encoding
    /// The vocabulary string of a token id, as transformers' `convert_ids_to_tokens` gives it; nil
    /// where the model has no such vocabulary or the id is the unknown token (callers then use
    /// the token's source text, as transformers' pipeline does for `[UNK]`).
    func tokenString(_ id: Int32) -> String?
    /// The corpus a whole text resembles, for models that condition on one (0 = general, the default).
    func corpus(of scalars: [Unicode.Scalar]) -> Int
    /// Whether tokens have vocabulary strings (`tokenString`), or are the text's own characters.
    var hasTokenStrings: Bool { get }
    /// Emission scores of each window, handed to `consume(index, rows)` as `tokens.count` rows of
    /// `labels.count` floats (valid during the call). Borrows a workspace, waiting for one if needed.
    func emissions(_ windows: [ModelWindow], consume: (Int, UnsafePointer<Float>) -> Void)
}

/// Preallocated workspaces lent to one forward pass at a time.
final class WorkspacePool<W: AnyObject & Sendable>: Sendable {
    private let free: Mutex<[W]>
    private let available: DispatchSemaphore

    init(_ workspaces: [W]) {
        free = Mutex(workspaces)
        available = DispatchSemaphore(value: workspaces.count)
    }

    func withWorkspace<R>(_ body: (W) throws -> R) rethrows -> R {
        available.wait()
        let ws = free.withLock { $0.removeLast() }
        defer {
            free.withLock { $0.append(ws) }
            available.signal()
        }
        return try body(ws)
    }
}

/// Limits shared by every architecture, from `Recognizer.Options`.
struct WorkspaceLimits {
    let maxTokens: Int
    let maxSequence: Int
    let threads: Int
    let count: Int
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

extension TokenClassifier {
    func corpus(of scalars: [Unicode.Scalar]) -> Int { 0 }
}
