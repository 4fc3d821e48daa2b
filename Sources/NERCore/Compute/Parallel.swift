import Dispatch

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
        // concurrentPerform runs on the caller plus GCD's workers, never more than the cores.
        let workers = min(threads, count)
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var i = w
                while i < count {
                    box.value(i, w)
                    i += workers
                }
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
