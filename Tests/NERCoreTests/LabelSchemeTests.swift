import Testing
@testable import NERCore

struct LabelSchemeTests {
    func spans(_ labels: [String], _ tags: [String]) -> [String] {
        let scheme = LabelScheme(labels: labels)
        let ids = tags.map { labels.firstIndex(of: $0)! }
        return scheme.spans(ids).map { "\($0.type)\($0.start)-\($0.end)" }
    }

    @Test func bio() {
        let labels = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
        #expect(spans(labels, ["B-PER", "I-PER", "O", "B-LOC"]) == ["PER0-2", "LOC3-4"])
        // Adjacent entities of one type are split by B.
        #expect(spans(labels, ["B-PER", "B-PER", "I-PER"]) == ["PER0-1", "PER1-3"])
        // seqeval default mode: a stray I starts an entity; a type change closes one.
        #expect(spans(labels, ["O", "I-PER", "I-PER", "I-LOC"]) == ["PER1-3", "LOC3-4"])
        #expect(spans(labels, ["B-PER", "I-LOC"]) == ["PER0-1", "LOC1-2"])
        #expect(spans(labels, ["I-PER"]) == ["PER0-1"])
        #expect(spans(labels, []) == [])
    }

    @Test func bioesAndBilou() {
        let bioes = ["O", "B-ORG", "I-ORG", "E-ORG", "S-ORG", "S-PER"]
        #expect(spans(bioes, ["B-ORG", "I-ORG", "E-ORG", "S-PER", "S-ORG"]) == ["ORG0-3", "PER3-4", "ORG4-5"])
        // E closes: what follows starts anew even with the same type.
        #expect(spans(bioes, ["B-ORG", "E-ORG", "I-ORG", "E-ORG"]) == ["ORG0-2", "ORG2-4"])
        // An unfinished B…I runs to the next O.
        #expect(spans(bioes, ["B-ORG", "I-ORG", "O"]) == ["ORG0-2"])
        let bilou = ["O", "B-LOC", "I-LOC", "L-LOC", "U-LOC"]
        #expect(spans(bilou, ["U-LOC", "B-LOC", "L-LOC"]) == ["LOC0-1", "LOC1-3"])
    }

    @Test func bmes() {
        let bmes = ["O", "B-NAME", "M-NAME", "E-NAME", "S-NAME"]
        #expect(spans(bmes, ["B-NAME", "M-NAME", "M-NAME", "E-NAME", "O", "S-NAME"]) == ["NAME0-4", "NAME5-6"])
    }

    @Test func plainIOAndTypes() {
        let io = ["O", "PER", "LOC"]
        #expect(spans(io, ["PER", "PER", "LOC", "O", "PER"]) == ["PER0-2", "LOC2-3", "PER4-5"])
        #expect(LabelScheme(labels: ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]).types == ["PER", "LOC", "ORG"])
        #expect(LabelScheme(labels: ["O", "B_PER"]).tags[1] == .init(role: .begin, type: "PER"))
    }
}
