import Dispatch
import Foundation
import NERCore
import Synchronization

/// A fixed pool of inference threads sharing one `Recognizer`, fed from a bounded queue.
///
/// A worker takes the oldest job and, while the batch is under `maxBatchTokens`, the jobs queued
/// behind it, so concurrent requests share forward passes. With every other worker busy it waits up
/// to `batchWait` for more; with one idle it runs at once, since that worker will take the next
/// request anyway. A full queue refuses (503) instead of growing; a job whose deadline passes while
/// queued is answered `expired` (504) without running. A job whose client is gone is dropped from
/// the queue (looked for every `livenessInterval`) or stopped between forward runs.
final class Scheduler: @unchecked Sendable {
    enum Admission { case accepted, full, expired }

    let workers: Int
    let capacity: Int
    private let maxBatchTokens: Int
    private let batchWait: UInt64
    private let metrics: Metrics
    /// How often the queue is searched for jobs whose client is gone, so that their places and
    /// connections are freed while the workers are busy with other work.
    private static let livenessInterval: UInt64 = 200_000_000

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
            if job.deadline <= MonotonicClock.now() { return .expired }
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
        while let (batch, dropped) = nextBatch() {
            dropped.forEach { $0() }
            guard let first = batch.first else { continue }
            if case .stream(let run) = first.work {
                // The stream counts its characters piece by piece, as they are computed.
                metrics.recordBatch(texts: 1, characters: 0)
                busy.add(1, ordering: .relaxed)
                run(recognizer)
                busy.subtract(1, ordering: .relaxed)
                continue
            }
            runTexts(batch, recognizer)
        }
    }

    /// The jobs' texts in forward runs of at most `maxBatchTokens` (a longer text runs alone, piece
    /// by piece), each job answered once its last text has run. Between runs and pieces a job whose
    /// client is gone is dropped, so a large request stops within one run of its client hanging up.
    private func runTexts(_ batch: [InferenceJob], _ recognizer: Recognizer) {
        var pending = batch.map { (job: $0, texts: $0.texts[...], found: [[Entity]]()) }
        while !pending.isEmpty {
            pending.removeAll { p in
                guard p.job.isCancelled() else { return false }
                p.job.cancelled()
                return true
            }
            var run: [String] = []
            var owners: [Int] = []
            var tokens = 0
            filling: for i in pending.indices {
                while let text = pending[i].texts.first {
                    let cost = text.unicodeScalars.count + 2
                    if !run.isEmpty, tokens + cost > maxBatchTokens { break filling }
                    run.append(text)
                    owners.append(i)
                    tokens += cost
                    pending[i].texts.removeFirst()
                }
            }
            guard !run.isEmpty else { break }
            busy.add(1, ordering: .relaxed)
            let results: [[Entity]]?
            if tokens > maxBatchTokens {
                results = recognizePieces(run[0], for: pending[owners[0]].job, recognizer).map { [$0] }
            } else {
                metrics.recordBatch(texts: run.count, characters: tokens - 2 * run.count)
                results = recognizer.recognize(batch: run)
            }
            // Bookkeeping first: a client that reads /metrics right after its answer sees it counted.
            busy.subtract(1, ordering: .relaxed)
            guard let results else {
                pending[owners[0]].job.cancelled()
                pending.remove(at: owners[0])
                continue
            }
            for (i, found) in zip(owners, results) { pending[i].found.append(found) }
            for p in pending where p.texts.isEmpty {
                if case .texts(_, let done) = p.job.work { done(p.found) }
            }
            pending.removeAll { $0.texts.isEmpty }
        }
    }

    /// One text over the batch budget, piece by piece (each about `maxBatchTokens`), so that it too
    /// stops once its client is gone (nil then); the entities are the same as in one run.
    private func recognizePieces(_ text: String, for job: InferenceJob, _ recognizer: Recognizer) -> [Entity]? {
        metrics.recordBatch(texts: 1, characters: 0)
        var found: [Entity] = []
        var counted = 0
        var gone = false
        recognizer.recognize(text, pieceTokens: maxBatchTokens, isCancelled: {
            gone = job.isCancelled()
            return gone
        }) { entities, processed, _ in
            metrics.recordCharacters(processed - counted)
            counted = processed
            found += entities
        }
        return gone ? nil : found
    }

    /// The next batch to run and what to call for the jobs dropped on the way (expired or
    /// cancelled); nil once stopping with nothing queued.
    private func nextBatch() -> ([InferenceJob], dropped: [@Sendable () -> Void])? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if stopping { return nil }
            idle += 1
            condition.wait()
            idle -= 1
        }
        var batch: [InferenceJob] = []
        var dropped: [@Sendable () -> Void] = []
        var tokens = 0
        let waitEnd = MonotonicClock.now() + batchWait
        gathering: while true {
            let now = MonotonicClock.now()
            while let head = queue.first {
                if let drop = head.unrunnable(at: now) {
                    _ = queue.popFirst()
                    dropped.append(drop)
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
        return (batch, dropped)
    }

    /// Answers queued jobs as their deadlines pass, and drops those whose client is gone, rather
    /// than when a worker next gets to them.
    private func reapExpired() {
        condition.lock()
        while !stopping {
            let now = MonotonicClock.now()
            let dropped = queue.remove { $0.unrunnable(at: now) }
            if !dropped.isEmpty {
                condition.unlock()
                dropped.forEach { $0() }
                condition.lock()
                continue
            }
            if let next = queue.earliest(by: \.deadline) {
                let wake = min(next, now + Self.livenessInterval)
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(wake - now) / 1e9))
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }
}
