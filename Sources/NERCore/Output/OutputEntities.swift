/// The one path from what the recognizers found to what a route or output format writes: the
/// model's entities, the user lexicon's matches and the pattern entities merged by `PatternMerge`'s
/// rule (URL/EMAIL patterns > lexicon > other patterns > model), then the requested types kept.
/// With no patterns this is the lexicon's old rule: a match overrides the model entities it overlaps.
/// Whatever is requested, a model entity never overlaps a URL or e-mail address of the text: the
/// model reads `zhangsan@example.com` as an ORG (issue 14: links are never taken for names).
public enum OutputEntities {
    /// `model` without the entities that overlap one of `addresses` (`PatternRecognizer.webAddressSpans`).
    public static func off(_ addresses: [Range<Int>], _ model: [Entity]) -> [Entity] {
        guard !addresses.isEmpty, !model.isEmpty else { return model }
        let blocked = PatternMerge.union(addresses)
        return model.filter { !PatternMerge.overlaps(blocked, PatternMerge.span($0)) }
    }

    /// `model`, `lexicon` and `patterns` (each any order) merged and filtered by `types` (nil keeps
    /// every type); sorted by start.
    public static func finalEntities(model: [Entity], lexicon: [Entity], patterns: [Entity], types: Set<String>?) -> [Entity] {
        // The common case (no lexicon, no patterns) is the model's list as it came: nothing to rank.
        let merged = lexicon.isEmpty && patterns.isEmpty ? model : PatternMerge.merge(model + lexicon, patterns: patterns)
        guard let types else { return merged }
        return merged.filter { types.contains($0.type) }
    }

    /// The entities of `text`, whose model entities are `model`: `lexicon`'s matches and the
    /// pattern entities of `patternTypes` found in it, merged as above.
    public static func finalEntities(text: String, model: [Entity], lexicon: UserLexicon?, patternTypes: Set<String>,
                                     types: Set<String>?) -> [Entity] {
        finalEntities(model: off(PatternRecognizer.webAddressSpans(in: text), model), lexicon: lexicon?.matches(in: text) ?? [],
                      patterns: PatternRecognizer.find(in: text, types: patternTypes), types: types)
    }

    /// The same for transformers-shaped model entities (`--format hf`): lexicon and pattern
    /// entities read as pipeline entities whose `word` is their own text; a model entity keeps its
    /// `word` and score.
    public static func finalEntities(text: String, pipeline: [PipelineEntity], lexicon: UserLexicon?, patternTypes: Set<String>,
                                     types: Set<String>?) -> [PipelineEntity] {
        let asEntities = pipeline.map { Entity(type: $0.entityGroup, start: $0.start, end: $0.end, text: $0.word, score: $0.score) }
        return finalEntities(text: text, model: asEntities, lexicon: lexicon, patternTypes: patternTypes, types: types)
            .map { PipelineEntity(entityGroup: $0.type, score: $0.score, word: $0.text, start: $0.start, end: $0.end) }
    }
}
