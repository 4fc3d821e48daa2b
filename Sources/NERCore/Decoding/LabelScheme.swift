/// How a model's labels encode entity spans: BIO, IOB2, BIOES/BIOLU, BMES or plain IO.
public struct LabelScheme: Sendable, Equatable {
    /// The role a label plays in a span.
    public enum Role: Sendable, Equatable {
        case outside
        case begin   // B-
        case inside  // I-, M-, or a bare type name (IO scheme)
        case end     // E-, L-
        case single  // S-, U-
    }

    public struct Tag: Sendable, Equatable {
        public let role: Role
        public let type: String
    }

    public let tags: [Tag]

    /// Entity types in first-seen label order.
    public var types: [String] {
        var seen: [String] = []
        for t in tags where t.role != .outside && !seen.contains(t.type) { seen.append(t.type) }
        return seen
    }

    public init(labels: [String]) {
        tags = labels.map(LabelScheme.parse)
    }

    static func parse(_ label: String) -> Tag {
        if label == "O" || label.isEmpty { return Tag(role: .outside, type: "") }
        let chars = Array(label)
        if chars.count > 2, chars[1] == "-" || chars[1] == "_" {
            let type = String(chars[2...])
            switch chars[0] {
            case "B": return Tag(role: .begin, type: type)
            case "I", "M": return Tag(role: .inside, type: type)
            case "E", "L": return Tag(role: .end, type: type)
            case "S", "U": return Tag(role: .single, type: type)
            default: break
            }
        }
        return Tag(role: .inside, type: label)
    }

    /// Spans [start, end) of a tag sequence, with the conventions of `seqeval`'s default mode:
    /// an I/E that does not continue an entity of its type starts a new one; E and S close one.
    public func spans(_ labelIDs: [Int]) -> [(type: String, start: Int, end: Int)] {
        var out: [(type: String, start: Int, end: Int)] = []
        var open: (type: String, start: Int)?
        func close(at end: Int) {
            if let o = open { out.append((o.type, o.start, end)) }
            open = nil
        }
        for (i, id) in labelIDs.enumerated() {
            let tag = tags[id]
            switch tag.role {
            case .outside:
                close(at: i)
            case .begin:
                close(at: i)
                open = (tag.type, i)
            case .inside:
                if open?.type != tag.type {
                    close(at: i)
                    open = (tag.type, i)
                }
            case .end:
                if open?.type != tag.type {
                    close(at: i)
                    open = (tag.type, i)
                }
                close(at: i + 1)
            case .single:
                close(at: i)
                open = (tag.type, i)
                close(at: i + 1)
            }
        }
        close(at: labelIDs.count)
        return out
    }
}
