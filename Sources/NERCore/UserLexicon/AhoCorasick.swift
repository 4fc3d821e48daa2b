/// A multi-pattern matcher over Unicode scalars (Aho–Corasick): every occurrence of every pattern
/// in one pass over the text, in time linear in the text plus the matches, however many patterns.
struct AhoCorasick: Sendable {
    /// Per node: edges by code point.
    private var children: [[UInt32: Int32]] = [[:]]
    /// Per node: the node of the longest proper suffix that is also a pattern prefix.
    private var failure: [Int32] = [0]
    /// Per node: the pattern ending exactly here (index, length), if any.
    private var terminal: [(pattern: Int32, length: Int32)?] = [nil]
    /// Per node: the nearest node along the failure chain (excluding itself) where a pattern ends.
    private var outputLink: [Int32] = [-1]

    /// `patterns` must be non-empty and distinct; pattern i is reported as index i.
    init(_ patterns: [[Unicode.Scalar]]) {
        for (index, pattern) in patterns.enumerated() {
            var node = 0
            for c in pattern {
                if let next = children[node][c.value] {
                    node = Int(next)
                } else {
                    children.append([:])
                    failure.append(0)
                    terminal.append(nil)
                    outputLink.append(-1)
                    children[node][c.value] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            terminal[node] = (Int32(index), Int32(pattern.count))
        }
        // Breadth-first, so a node's failure target (shallower) is final before the node is used.
        var queue: [Int32] = Array(children[0].values)
        var head = 0
        while head < queue.count {
            let node = Int(queue[head])
            head += 1
            for (c, child) in children[node] {
                queue.append(child)
                var f = Int(failure[node])
                while node != 0, f != 0, children[f][c] == nil { f = Int(failure[f]) }
                let target = node == 0 ? 0 : (children[f][c].map(Int.init) ?? 0)
                failure[Int(child)] = Int32(target)
                outputLink[Int(child)] = terminal[target] != nil ? Int32(target) : outputLink[target]
            }
        }
    }

    var nodeCount: Int { children.count }

    /// Calls `found(pattern, start, end)` for every occurrence, by increasing end, in code points.
    func forEachMatch(in scalars: [Unicode.Scalar], _ found: (Int, Int, Int) -> Void) {
        var node = 0
        for (i, c) in scalars.enumerated() {
            while node != 0, children[node][c.value] == nil { node = Int(failure[node]) }
            node = children[node][c.value].map(Int.init) ?? 0
            var out = terminal[node] != nil ? node : Int(outputLink[node])
            while out >= 0 {
                let t = terminal[out]!
                found(Int(t.pattern), i + 1 - Int(t.length), i + 1)
                out = Int(outputLink[out])
            }
        }
    }
}
