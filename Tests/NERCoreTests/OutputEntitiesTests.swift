import Testing
@testable import NERCore

/// `OutputEntities`: the one merge every route and format uses, and `PatternMode`'s types.
struct OutputEntitiesTests {
    static let text = "我的电话是13812345678，邮箱zhangsan@example.com，身份证号11010519491231002X。"

    static func describe(_ list: [Entity]) -> [String] { list.map { "\($0.type)@\($0.start)-\($0.end):\($0.source)" } }

    /// Model entities over every pattern, a lexicon entry inside the e-mail and one over the
    /// ID number: the e-mail beats the lexicon, the lexicon beats the ID pattern, each beats the model.
    @Test func modelLexiconAndPatternOverlaps() throws {
        let model = [Entity(type: "PER", start: 0, end: 2, text: "我的", score: 0.6),
                     Entity(type: "ORG", start: 4, end: 8, text: "是1381", score: 0.6),
                     Entity(type: "PER", start: 19, end: 27, text: "zhangsan", score: 0.7),
                     Entity(type: "LOC", start: 40, end: 42, text: "身份", score: 0.5)]
        let lexicon = try UserLexicon(entries: [("example", "ORG"), ("身份证号110105", "DOC")])
        let merged = OutputEntities.finalEntities(text: Self.text, model: model, lexicon: lexicon,
                                                  patternTypes: PatternMode.pii.types, types: nil)
        #expect(Self.describe(merged) == ["PER@0-2:model", "PHONE@5-16:pattern", "EMAIL@19-39:pattern", "DOC@40-50:lexicon"])
        #expect(merged[1].text == "13812345678" && merged[2].text == "zhangsan@example.com")
        // The filter applies after the merge: a dropped type still removed what it overlapped.
        let phones = OutputEntities.finalEntities(text: Self.text, model: model, lexicon: lexicon,
                                                  patternTypes: PatternMode.pii.types, types: ["PHONE", "ORG"])
        #expect(Self.describe(phones) == ["PHONE@5-16:pattern"])
    }

    /// With no pattern requested, URLs and e-mail addresses still keep model entities off them
    /// (the model reads an address as an ORG); the addresses themselves are not reported, and
    /// entities beside them stay, in the text and the transformers shapes alike.
    @Test func webAddressesBlockModelEntitiesEvenWithoutPatterns() throws {
        let text = "请联系zhangsan@example.com的张三，官网ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ，见http://t.cn/A6x"
        let model = [Entity(type: "ORG", start: 3, end: 23, text: "zhangsan@example.com", score: 0.5),
                     Entity(type: "PER", start: 24, end: 26, text: "张三", score: 0.9),
                     Entity(type: "PER", start: 12, end: 19, text: "example", score: 0.6),
                     Entity(type: "ORG", start: 29, end: 43, text: "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｎ", score: 0.5),
                     Entity(type: "PER", start: 45, end: 49, text: "http", score: 0.5)]
        for patterns in [PatternMode.none.types, PatternMode.pii.types] {
            let merged = OutputEntities.finalEntities(text: text, model: model, lexicon: nil, patternTypes: patterns, types: nil)
            #expect(merged.filter { $0.source == .model }.map(\.text) == ["张三"])
            #expect(merged.contains { $0.type == "EMAIL" } == patterns.contains("EMAIL"))
        }
        let pipeline = model.map { PipelineEntity(entityGroup: $0.type, score: $0.score, word: $0.text, start: $0.start, end: $0.end) }
        #expect(OutputEntities.finalEntities(text: text, pipeline: pipeline, lexicon: nil, patternTypes: [], types: nil).map(\.word) == ["张三"])
        // Text with no address character is not scanned, and its entities pass untouched.
        #expect(PatternRecognizer.webAddressSpans(in: "张三在北京，李四在上海。").isEmpty)
    }

    /// Without patterns the merge is the lexicon's rule: a match replaces every model entity it
    /// overlaps, and the rest stay as the model gave them.
    @Test func withoutPatternsTheLexiconOverridesTheModel() throws {
        let model = [Entity(type: "PER", start: 0, end: 2, text: "王伟", score: 0.9),
                     Entity(type: "LOC", start: 4, end: 6, text: "北京", score: 0.8)]
        let lexicon = try UserLexicon(entries: [("伟去", "VIP")])
        let merged = OutputEntities.finalEntities(text: "王伟去了北京", model: model, lexicon: lexicon,
                                                  patternTypes: PatternMode.none.types, types: nil)
        #expect(Self.describe(merged) == ["VIP@1-3:lexicon", "LOC@4-6:model"])
        #expect(merged == lexicon.apply(to: model, text: "王伟去了北京"))
        #expect(OutputEntities.finalEntities(text: "王伟去了北京", model: model, lexicon: nil, patternTypes: [], types: nil) == model)
    }

    /// `--format hf`: model entities keep their WordPiece `word` and score; the others read as
    /// their own text.
    @Test func pipelineEntitiesKeepTheirWord() {
        let model = [PipelineEntity(entityGroup: "PER", score: 0.75, word: "我 的", start: 0, end: 2)]
        let merged = OutputEntities.finalEntities(text: Self.text, pipeline: model, lexicon: nil,
                                                  patternTypes: ["ID_CARD"], types: nil)
        #expect(merged == [model[0], PipelineEntity(entityGroup: "ID_CARD", score: 1, word: "11010519491231002X", start: 44, end: 62)])
    }

    @Test func patternModes() {
        #expect(PatternMode.none.types.isEmpty)
        #expect(PatternMode.pii.types == ["PHONE", "EMAIL", "URL", "IP", "ID_CARD", "BANK_CARD", "PASSPORT", "PLATE", "USCC"])
        #expect(PatternMode.all.types == PatternMode.pii.types.union(["DATE", "TIME", "MONEY", "PERCENT"]))
        // A filter decides, whatever the mode: naming a pattern type turns its recognizer on.
        #expect(PatternMode.none.types(filter: ["PER", "PHONE"]) == ["PHONE"])
        #expect(PatternMode.all.types(filter: ["PER"]).isEmpty)
        #expect(PatternMode.pii.types(filter: nil) == PatternMode.pii.types)
    }
}
