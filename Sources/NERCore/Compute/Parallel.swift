import Dispatch
import Foundation
import Synchronization

/// A pointer handed to parallel workers that write disjoint parts of one buffer. Swift cannot
/// prove the parts disjoint, so the wrapper states it deliberately.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

enum Parallel {
    /// Runs `body(i)` for i in 0..<count on up to `threads` threads and waits for all of them.
    static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        forEach(count, threads: threads) { i, _ in body(i) }
    }

    /// As `forEach`, also passing the worker number (0..<threads) for per-thread scratch.
    static func forEach(_ count: Int, threads: Int, _ body: (_ index: Int, _ worker: Int) -> Void) {
        if count <= 1 || threads <= 1 {
            for i in 0..<count { body(i, 0) }
            return
        }
        let workers = min(threads, count)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            let share: @Sendable (Int) -> Void = { w in
                var i = w
                while i < count {
                    box.value(i, w)
                    i += workers
                }
            }
            // The pool when it is free and big enough; else (another thread holds it, or more
            // threads than cores) concurrentPerform, which runs on the caller plus GCD's workers.
            if !SpinPool.shared.run(workers: workers, share) {
                DispatchQueue.concurrentPerform(iterations: workers, execute: share)
            }
        }
    }

    /// Splits [0, n) into at most `parts` ranges whose bounds (but the last) are multiples of `align`.
    static func ranges(_ n: Int, parts: Int, align: Int) -> [Range<Int>] {
        let blocks = (n + align - 1) / align
        let p = max(1, min(parts, blocks))
        var out: [Range<Int>] = []
        var start = 0
        for i in 0..<p {
            let endBlock = blocks * (i + 1) / p
            let end = min(n, endBlock * align)
            if end > start { out.append(start..<end) }
            start = end
        }
        return out
    }
}

/// A closure that is only ever called while its creator waits, so sharing it is safe.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Threads kept for `Parallel.forEach` that wait for the next parallel section spinning for a
/// while before they sleep. A BERT forward pass has 12 sections per layer (144 at batch 1), many of
/// a few microseconds of work at short lengths (a LayerNorm over 32 tokens is ≈ 70 k instructions);
/// waking a sleeping GCD worker for each costs about as much as the work itself (bench/profile_ops.py,
/// docs/BENCHMARKS.md "Where the time goes"). One caller at a time: the sections of one forward pass.
private final class SpinPool: @unchecked Sendable {
    static let shared = SpinPool()

    private final class Helper: @unchecked Sendable {
        let wake = DispatchSemaphore(value: 0)
        /// Set by the helper before it sleeps; whoever clears it owes (or consumes) one `wake`.
        let sleeping = Atomic<Bool>(false)
    }

    /// Started as sections first need them (the most threads one asked for, less the caller), so
    /// a process that runs on 2 threads keeps 1 helper awake however many cores the host has.
    /// Touched only by the caller holding `inUse`.
    private var helpers: [Helper] = []
    private let maxHelpers = ProcessInfo.processInfo.activeProcessorCount - 1
    private let inUse = Atomic<Bool>(false)
    /// Bumped for every section; a helper that sees it change runs its share.
    private let generation = Atomic<Int>(0)
    /// Helpers that have not finished the current section.
    private let pending = Atomic<Int>(0)
    /// The current section, written before `generation` is bumped and read after it is seen.
    private var share: (@Sendable (Int) -> Void)?
    private var workers = 0
    /// About 50 µs of checking before a helper sleeps: longer than the gap between two sections
    /// of one forward pass, short enough that an idle process stops using the core at once.
    private static let spins = 20_000

    private init() {}

    /// Runs `share(w)` for w in 0..<workers, `share(0)` on the caller, and returns once all have;
    /// false (nothing run) when the pool is busy or the host has too few cores.
    func run(workers: Int, _ share: @escaping @Sendable (Int) -> Void) -> Bool {
        guard workers - 1 <= maxHelpers,
              inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        while helpers.count < workers - 1 {
            let helper = Helper()
            let worker = helpers.count + 1
            // It starts from the sections already run, so it waits for the next one.
            let seen = generation.load(ordering: .sequentiallyConsistent)
            let thread = Thread { [self] in serve(helper, worker: worker, seen: seen) }
            thread.stackSize = 1 << 20
            thread.start()
            helpers.append(helper)
        }
        self.share = share
        self.workers = workers
        pending.store(helpers.count, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        for helper in helpers where helper.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            helper.wake.signal()
        }
        share(0)
        while pending.load(ordering: .acquiring) > 0 {}
        self.share = nil
        inUse.store(false, ordering: .releasing)
        return true
    }

    private func serve(_ helper: Helper, worker: Int, seen start: Int) {
        var seen = start
        while true {
            var spun = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                spun += 1
                if spun < Self.spins { continue }
                helper.sleeping.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen,
                   helper.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    break  // a section came before the sleep: no signal is owed
                }
                helper.wake.wait()
                spun = 0
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            if worker < workers, let share { share(worker) }
            pending.subtract(1, ordering: .sequentiallyConsistent)
        }
    }
}
