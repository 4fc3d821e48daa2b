/// A named entity found in a text. Offsets are Unicode code points into the original text,
/// end exclusive (Python `text[start:end]`).
public struct Entity: Sendable, Equatable, Codable, Hashable {
    public var type: String
    public var start: Int
    public var end: Int
    public var text: String
    /// Mean probability of the entity's words' labels (first sub-word piece of each word).
    public var score: Float

    public init(type: String, start: Int, end: Int, text: String, score: Float) {
        self.type = type
        self.start = start
        self.end = end
        self.text = text
        self.score = score
    }
}
