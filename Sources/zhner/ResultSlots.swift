import Synchronization

/// One slot per parallel task, filled in any order, read once all are done.
final class ResultSlots<T: Sendable>: Sendable {
    private let slots: Mutex<[T?]>

    init(count: Int) { slots = Mutex([T?](repeating: nil, count: count)) }

    func set(_ i: Int, _ value: T) { slots.withLock { $0[i] = value } }

    var values: [T] { slots.withLock { $0.map { $0! } } }
}
