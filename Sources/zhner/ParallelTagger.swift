import Dispatch
import NERCore

/// Tags groups of texts in parallel, one group per worker, keeping input order.
enum ParallelTagger {
    /// Parallelism across batches (one thread each) beats splitting each small forward pass.
    static func tag(_ groups: [[String]], with recognizer: Recognizer) -> [[[Entity]]] {
        let results = ResultSlots<[[Entity]]>(count: groups.count)
        DispatchQueue.concurrentPerform(iterations: groups.count) { i in
            results.set(i, recognizer.recognize(batch: groups[i]))
        }
        return results.values
    }

    /// All texts, in batches of `batch`, `workers` batches at a time.
    static func tag(_ texts: [String], batch: Int, with recognizer: Recognizer) -> [[Entity]] {
        let groups = stride(from: 0, to: texts.count, by: batch).map { Array(texts[$0..<min($0 + batch, texts.count)]) }
        return tag(groups, with: recognizer).flatMap { $0 }
    }
}
