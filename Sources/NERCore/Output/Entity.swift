/// A named entity found in a text. Offsets are Unicode code points into the original text,
/// end exclusive (Python `text[start:end]`).
public struct Entity: Sendable, Equatable, Codable, Hashable {
    /// What found an entity: the model, a user lexicon entry (which overrides the model), or a
    /// pattern recognizer for personal data (`PatternRecognizer`; `PatternMerge` says who wins).
    public enum Source: String, Sendable, Codable, Hashable {
        case model
        case lexicon
        case pattern
    }

    public var type: String
    public var start: Int
    public var end: Int
    public var text: String
    /// Mean probability of the entity's words' labels (first sub-word piece of each word);
    /// 1 for a lexicon match; a pattern's validation strength plus its context boost
    /// (`PatternRecognizer`). Always in [0, 1] (see `probability(_:)`).
    public var score: Float
    public var source: Source

    public init(type: String, start: Int, end: Int, text: String, score: Float, source: Source = .model) {
        self.type = type
        self.start = start
        self.end = end
        self.text = text
        self.score = probability(score)
        self.source = source
    }

    private enum CodingKeys: String, CodingKey { case type, start, end, text, score, source }

    /// `source` may be absent (older output, model entities): it then means `.model`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        start = try c.decode(Int.self, forKey: .start)
        end = try c.decode(Int.self, forKey: .end)
        text = try c.decode(String.self, forKey: .text)
        score = try c.decode(Float.self, forKey: .score)
        source = try c.decodeIfPresent(Source.self, forKey: .source) ?? .model
    }
}

/// An entity as transformers' `pipeline("ner", aggregation_strategy="simple")` reports it: the
/// label without its B-/I- prefix, the mean of its tokens' label probabilities, and `word`, its
/// tokens decoded the way the WordPiece decoder joins them (so "北 京" for 北京).
public struct PipelineEntity: Sendable, Equatable {
    public var entityGroup: String
    public var score: Float
    public var word: String
    public var start: Int
    public var end: Int

    public init(entityGroup: String, score: Float, word: String, start: Int, end: Int) {
        self.entityGroup = entityGroup
        self.score = probability(score)
        self.word = word
        self.start = start
        self.end = end
    }
}

/// A score as a probability, whatever arithmetic produced it: NaN becomes 0 and the rest is clamped
/// into [0, 1]. The decoders' arithmetic already keeps scores there; this is the last guard, so no
/// output format ever has to spell a number JSON cannot (`inf`, `nan`).
func probability(_ x: Float) -> Float {
    x.isNaN ? 0 : min(1, max(0, x))
}
