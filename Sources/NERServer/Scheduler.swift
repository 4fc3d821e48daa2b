import Dispatch
import Foundation
import NERCore
import Synchronization

/// A request's work for the inference workers.
struct InferenceJob: Sendable {
    enum Work: Sendable {
        /// Texts that may share forward passes with other jobs' texts; `done` gets their entities,
        /// in order.
        case texts([String], done: @Sendable ([[Entity]]) -> Void)
        /// One text run alone, piece by piece, by the closure.
        case stream(@Sendable (Recognizer) -> Void)
    }

    let work: Work
    /// Code points: what the batch budget counts (≈ tokens for Chinese, one per character).
    let characters: Int
    /// Monotonic nanoseconds (`DispatchTime.uptimeNanoseconds`); not started by then → `expired`.
    let deadline: UInt64
    let expired: @Sendable () -> Void

    var textCount: Int {
        switch work {
        case .texts(let texts, _): return texts.count
        case .stream: return 1
        }
    }

    var texts: [String] {
        if case .texts(let texts, _) = work { return texts }
        return []
    }
}

/// A fixed pool of inference threads sharing one `Recognizer`, fed from a bounded queue.
///
/// A worker takes the oldest job and, while the batch is under `maxBatchTokens`, the jobs queued
/// behind it, so concurrent requests share forward passes. With every other worker busy it waits up
/// to `batchWait` for more; with one idle it runs at once, since that worker will take the next
/// request anyway. A full queue refuses (503) instead of growing; a job whose deadline passes while
/// queued is answered `expired` (504) without running.
final class Scheduler: @unchecked Sendable {
    enum Admission { case accepted, full, expired }

    let workers: Int
    let capacity: Int
    private let maxBatchTokens: Int
    private let batchWait: UInt64
    private let metrics: Metrics

    /// Guards every `var` below; workers and the deadline reaper wait on it.
    private let condition = NSCondition()
    private var queue: Ring<InferenceJob>
    private var idle = 0
    private var stopping = false
    private let running = DispatchGroup()
    private let busy = Atomic<Int>(0)

    init(config: ServerConfig, metrics: Metrics) {
        workers = config.workers
        capacity = config.queueCapacity
        maxBatchTokens = config.maxBatchTokens
        batchWait = UInt64(config.batchWaitMilliseconds) * 1_000_000
        self.metrics = metrics
        queue = Ring(capacity: config.queueCapacity)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    var depth: Int { locked { queue.count } }
    var isFull: Bool { locked { queue.count >= capacity } }
    var busyWorkers: Int { busy.load(ordering: .relaxed) }

    func start(_ recognizer: Recognizer) {
        for _ in 0..<workers {
            spawn { [self] in work(recognizer) }
        }
        spawn { [self] in reapExpired() }
    }

    func submit(_ job: InferenceJob) -> Admission {
        locked {
            if job.deadline <= Self.now() { return .expired }
            guard queue.push(job) else { return .full }
            // Broadcast: idle workers, a worker gathering a batch and the reaper all care.
            condition.broadcast()
            return .accepted
        }
    }

    /// Lets the workers finish what is queued, then ends them.
    func stop() {
        locked {
            stopping = true
            condition.broadcast()
        }
        running.wait()
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        running.enter()
        Thread { [running] in
            body()
            running.leave()
        }.start()
    }

    private func locked<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    private func work(_ recognizer: Recognizer) {
        while let (batch, expired) = nextBatch() {
            expired.forEach { $0.expired() }
            guard let first = batch.first else { continue }
            metrics.recordBatch(texts: batch.reduce(0) { $0 + $1.textCount }, characters: batch.reduce(0) { $0 + $1.characters })
            busy.add(1, ordering: .relaxed)
            if case .stream(let run) = first.work {
                run(recognizer)
                busy.subtract(1, ordering: .relaxed)
                continue
            }
            // One forward run over every job's texts; each job gets its own slice back.
            let results = recognizer.recognize(batch: batch.flatMap(\.texts))
            // Bookkeeping first: a client that reads /metrics right after its answer sees it counted.
            busy.subtract(1, ordering: .relaxed)
            var offset = 0
            for job in batch {
                guard case .texts(let texts, let done) = job.work else { continue }
                done(Array(results[offset..<(offset + texts.count)]))
                offset += texts.count
            }
        }
    }

    /// The next batch to run and the expired jobs met on the way; nil once stopping with nothing queued.
    private func nextBatch() -> ([InferenceJob], expired: [InferenceJob])? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if stopping { return nil }
            idle += 1
            condition.wait()
            idle -= 1
        }
        var batch: [InferenceJob] = []
        var expired: [InferenceJob] = []
        var tokens = 0
        let waitEnd = Self.now() + batchWait
        gathering: while true {
            let now = Self.now()
            while let head = queue.first {
                if head.deadline <= now {
                    expired.append(queue.popFirst()!)
                    continue
                }
                // A stream runs alone: its pieces are answered as they are computed.
                if case .stream = head.work {
                    if batch.isEmpty { batch.append(queue.popFirst()!) }
                    break gathering
                }
                let cost = head.characters + 2 * head.textCount
                if !batch.isEmpty, tokens + cost > maxBatchTokens { break gathering }
                batch.append(queue.popFirst()!)
                tokens += cost
            }
            if batch.isEmpty || tokens >= maxBatchTokens || idle > 0 || stopping || now >= waitEnd { break }
            _ = condition.wait(until: Date(timeIntervalSinceNow: Double(waitEnd - now) / 1e9))
        }
        return (batch, expired)
    }

    /// Answers queued jobs as their deadlines pass, rather than when a worker next gets to them.
    private func reapExpired() {
        condition.lock()
        while !stopping {
            let now = Self.now()
            let expired = queue.removeAll { $0.deadline <= now }
            if !expired.isEmpty {
                condition.unlock()
                expired.forEach { $0.expired() }
                condition.lock()
                continue
            }
            if let next = queue.earliest(by: \.deadline) {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(next - now) / 1e9))
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }
}

/// A fixed-capacity FIFO: the queue's memory is allocated once.
struct Ring<Element> {
    private var slots: [Element?]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { slots = [Element?](repeating: nil, count: capacity) }

    var isEmpty: Bool { count == 0 }
    var first: Element? { count == 0 ? nil : slots[head] }

    mutating func push(_ e: Element) -> Bool {
        guard count < slots.count else { return false }
        slots[(head + count) % slots.count] = e
        count += 1
        return true
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let e = slots[head]
        slots[head] = nil
        head = (head + 1) % slots.count
        count -= 1
        return e
    }

    /// Removes the elements matching `predicate`, keeping the others in order.
    mutating func removeAll(where predicate: (Element) -> Bool) -> [Element] {
        var removed: [Element] = []
        for _ in 0..<count {
            let e = popFirst()!
            if predicate(e) { removed.append(e) } else { _ = push(e) }
        }
        return removed
    }

    func earliest(by key: (Element) -> UInt64) -> UInt64? {
        (0..<count).map { key(slots[(head + $0) % slots.count]!) }.min()
    }
}
