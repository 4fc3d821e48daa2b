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
        /// One text run alone, piece by piece, by the closure, which itself stops once
        /// `isCancelled` says so (and then calls `cancelled`).
        case stream(@Sendable (Recognizer) -> Void)
    }

    let work: Work
    /// Code points: what the batch budget counts (≈ tokens for Chinese, one per character).
    let characters: Int
    /// Monotonic nanoseconds (`DispatchTime.uptimeNanoseconds`); not started by then → `expired`.
    let deadline: UInt64
    let expired: @Sendable () -> Void
    /// Whether no one waits for the answer any more (the client is gone): the job is then dropped
    /// from the queue, or stopped between forward runs, and `cancelled` called instead of `done`.
    let isCancelled: @Sendable () -> Bool
    let cancelled: @Sendable () -> Void

    /// What to call instead of running the job, if it must not run: its deadline passed, or its
    /// client is gone.
    func unrunnable(at now: UInt64) -> (@Sendable () -> Void)? {
        if deadline <= now { return expired }
        if isCancelled() { return cancelled }
        return nil
    }

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
