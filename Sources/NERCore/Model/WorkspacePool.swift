import Dispatch
import Synchronization

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
