/// One entity as redaction treated it. Offsets are code points, end exclusive, like `Entity`'s:
/// `start`/`end` in the original text, `redactedStart`/`redactedEnd` in the redacted one. Putting
/// each `original` back over its redacted span gives the original text again.
public struct RedactionItem: Sendable, Equatable {
    public let type: String
    public let start: Int
    public let end: Int
    public let redactedStart: Int
    public let redactedEnd: Int
    /// `RedactionOperator.name`.
    public let operatorName: String
    /// The entity's text, for callers that must reverse the redaction; writers leave it out
    /// unless asked, so that redacted output does not carry what it hides.
    public let original: String
}

/// A redacted text (or piece of one) and what was replaced in it, in text order.
public struct Redaction: Sendable, Equatable {
    public let text: String
    public let items: [RedactionItem]
}

/// Where the redaction of one text stands, for redacting it piece by piece (a stream): the next
/// piece starts here, and its offsets continue the earlier pieces'. Walks the text once, so a long
/// text costs no copy of its code points.
public struct RedactionCursor {
    private let scalars: String.UnicodeScalarView
    private var index: String.UnicodeScalarView.Index
    /// Code points of the original text consumed, and of the redacted text written, so far.
    public private(set) var position = 0
    public fileprivate(set) var redactedPosition = 0

    /// `position`, `redactedPosition`: where `text` starts in the original and the redacted text,
    /// when it is one part of a longer text redacted part by part (offsets then count from the
    /// longer text's start).
    public init(_ text: String, position: Int = 0, redactedPosition: Int = 0) {
        scalars = text.unicodeScalars
        index = scalars.startIndex
        self.position = position
        self.redactedPosition = redactedPosition
    }

    /// The code points from `position` up to `target` (or the text's end), consumed.
    fileprivate mutating func advance(to target: Int) -> Substring.UnicodeScalarView {
        let from = index
        while position < target, index != scalars.endIndex {
            scalars.formIndex(after: &index)
            position += 1
        }
        return scalars[from..<index]
    }

    /// The code points up to `target` (or the text's end), as they are.
    fileprivate mutating func copy(to target: Int, into out: inout String) {
        let before = position
        // Appended as a Substring: `String.UnicodeScalarView.append(contentsOf:)` builds a new
        // string each time, which made a long text's redaction quadratic.
        out += Substring(advance(to: target))
        redactedPosition += position - before
    }
}

/// Applies a `RedactionPolicy` to texts. One redactor is one pseudonym table: use one per document
/// or request, so that stand-ins agree within it and say nothing across them.
public struct Redactor {
    public let policy: RedactionPolicy
    private var pseudonyms = PseudonymTable()

    public init(policy: RedactionPolicy) {
        self.policy = policy
    }

    /// A whole text, with its entities (`OutputEntities.finalEntities`).
    public mutating func redact(_ text: String, entities: [Entity]) -> Redaction {
        var cursor = RedactionCursor(text)
        return redact(&cursor, upTo: .max, entities: entities)
    }

    /// The next piece of the cursor's text: from where it stands to code point `end`, or further to
    /// the end of the last of `entities` (document offsets), so an entity crossing `end` is
    /// replaced whole; never past the text's end. Entities are taken by start; one that overlaps an
    /// earlier one, or lies before the cursor, is left as text (`OutputEntities` never gives such:
    /// this only keeps both offset systems consistent whatever a caller passes).
    public mutating func redact(_ cursor: inout RedactionCursor, upTo end: Int, entities: [Entity]) -> Redaction {
        var out = ""
        var items: [RedactionItem] = []
        for e in entities.sorted(by: { $0.start < $1.start }) where e.start >= cursor.position {
            cursor.copy(to: e.start, into: &out)
            let start = cursor.position
            let original = String(cursor.advance(to: e.end))
            guard !original.isEmpty else { continue }
            let op = policy.op(for: e.type)
            let replacement = op.apply(to: original, type: e.type, key: policy.key, pseudonyms: &pseudonyms)
            let length = replacement.unicodeScalars.count
            items.append(RedactionItem(type: e.type, start: start, end: cursor.position, redactedStart: cursor.redactedPosition,
                                       redactedEnd: cursor.redactedPosition + length, operatorName: op.name, original: original))
            out += replacement
            cursor.redactedPosition += length
        }
        cursor.copy(to: end, into: &out)
        return Redaction(text: out, items: items)
    }
}
