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

/// Work items run on worker threads while the caller keeps submitting, their results handed back
/// strictly in submission order. At most `limit` items are in flight, so memory stays bounded
/// however long the input; a slow item holds back only the output, never the other workers.
final class OrderedPipeline<Output: Sendable> {
    private struct Pending {
        let done: DispatchSemaphore
        let result: ResultSlots<Output>
    }

    private let limit: Int
    private var pending: [Pending] = []
    private var head = 0

    init(limit: Int) { self.limit = limit }

    var inFlight: Int { pending.count - head }

    /// Starts `work` on a worker, first handing the caller (`ready`) every finished result that is
    /// next in order, and waiting for the oldest while `limit` are in flight.
    func submit(_ work: @escaping @Sendable () -> Output, ready: (Output) throws -> Void) throws {
        try drain(waitingUntilBelow: limit, ready: ready)
        let item = Pending(done: DispatchSemaphore(value: 0), result: ResultSlots(count: 1))
        DispatchQueue.global().async { [done = item.done, result = item.result] in
            result.set(0, work())
            done.signal()
        }
        pending.append(item)
    }

    /// Hands over every result still due, in order, waiting for each.
    func finish(ready: (Output) throws -> Void) throws {
        try drain(waitingUntilBelow: 1, ready: ready)
    }

    private func drain(waitingUntilBelow bound: Int, ready: (Output) throws -> Void) throws {
        while head < pending.count {
            let oldest = pending[head]
            if inFlight >= bound {
                oldest.done.wait()
            } else if oldest.done.wait(timeout: .now()) != .success {
                break
            }
            head += 1
            if head > 1024 {
                pending.removeFirst(head)
                head = 0
            }
            try ready(oldest.result.values[0])
        }
    }
}
