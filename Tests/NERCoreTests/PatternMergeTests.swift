import Foundation
import Testing
@testable import NERCore

/// `PatternMerge`: URL/EMAIL > lexicon > other patterns > model, by overlap; and the `pattern`
/// source in JSON.
struct PatternMergeTests {
    static func e(_ type: String, _ start: Int, _ end: Int, _ source: Entity.Source) -> Entity {
        Entity(type: type, start: start, end: end, text: "", score: 0.5, source: source)
    }

    static func describe(_ list: [Entity]) -> [String] { list.map { "\($0.type)@\($0.start)-\($0.end):\($0.source)" } }

    @Test func addressesBeatEverything() {
        // "bob@example.com": the model saw a PER and an ORG, the lexicon an ORG, inside the e-mail.
        let merged = PatternMerge.merge([Self.e("PER", 0, 3, .model), Self.e("ORG", 4, 11, .lexicon)],
                                        patterns: [Self.e("EMAIL", 0, 15, .pattern)])
        #expect(Self.describe(merged) == ["EMAIL@0-15:pattern"])
    }

    @Test func lexiconBeatsPatternsWhichBeatTheModel() {
        let model = [Self.e("ORG", 0, 4, .model), Self.e("PER", 10, 12, .model), Self.e("LOC", 20, 22, .model)]
        let lexicon = [Self.e("PRODUCT", 5, 9, .lexicon)]
        let patterns = [Self.e("PHONE", 3, 6, .pattern), Self.e("DATE", 11, 15, .pattern)]
        let merged = PatternMerge.merge(model + lexicon, patterns: patterns)
        // PHONE overlaps the lexicon entry: dropped, so the model's ORG it overlapped survives.
        // DATE overlaps the model's PER: the PER goes. The LOC overlaps nothing.
        #expect(Self.describe(merged) == ["ORG@0-4:model", "PRODUCT@5-9:lexicon", "DATE@11-15:pattern", "LOC@20-22:model"])
    }

    @Test func sameRankNeverRemovesItself() {
        // Touching spans do not overlap; model entities that overlap each other are all kept.
        let merged = PatternMerge.merge([Self.e("PER", 0, 2, .model), Self.e("ORG", 1, 3, .model)],
                                        patterns: [Self.e("PHONE", 3, 5, .pattern)])
        #expect(Self.describe(merged) == ["PER@0-2:model", "ORG@1-3:model", "PHONE@3-5:pattern"])
        #expect(PatternMerge.merge([], patterns: []).isEmpty)
        // A malformed entity (end before start) is kept as it is, as an empty span, without a trap.
        let odd = Self.e("X", 5, 2, .model)
        #expect(PatternMerge.merge([odd], patterns: [Self.e("PHONE", 0, 9, .pattern)]).count == 2)
    }

    @Test func endToEndWithTheRecognizer() throws {
        let text = "王伟的邮箱wangwei@163.com，手机13812345678。"
        let model = [Entity(type: "PER", start: 0, end: 2, text: "王伟", score: 0.9),
                     Entity(type: "PER", start: 5, end: 12, text: "wangwei", score: 0.6)]
        let merged = PatternMerge.merge(model, patterns: PatternRecognizer.find(in: text))
        #expect(merged.map(\.text) == ["王伟", "wangwei@163.com", "13812345678"])
        #expect(merged.map(\.source) == [.model, .pattern, .pattern])
    }

    @Test func patternSourceInJSON() throws {
        let entity = Entity(type: "PHONE", start: 2, end: 13, text: "13812345678", score: 0.95, source: .pattern)
        let json = String(decoding: try JSONEncoder().encode(entity), as: UTF8.self)
        #expect(json.contains("\"source\":\"pattern\""))
        #expect(try JSONDecoder().decode(Entity.self, from: Data(json.utf8)) == entity)
    }
}
