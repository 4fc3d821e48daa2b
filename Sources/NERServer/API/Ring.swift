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

    /// Removes the elements for which `pick` gives a value, keeping the others in order; the values.
    mutating func remove<T>(_ pick: (Element) -> T?) -> [T] {
        var removed: [T] = []
        for _ in 0..<count {
            let e = popFirst()!
            if let t = pick(e) { removed.append(t) } else { _ = push(e) }
        }
        return removed
    }

    func earliest(by key: (Element) -> UInt64) -> UInt64? {
        (0..<count).map { key(slots[(head + $0) % slots.count]!) }.min()
    }
}
