import NERCore

/// Catches the corpus/model mismatch that would print a table of zeros: gold types the model
/// never predicts (CLUENER's lower-case types without --map, Weibo's PER.NAM without --format
/// weibo and --map). Checked before tagging, which can take minutes on a large corpus.
enum EvalTypeCheck {
    static let weiboMap = "PER.NAM=PER,LOC.NAM=LOC,GPE.NAM=LOC,ORG.NAM=ORG"
    static let clueNERMap = "name=PER,address=LOC,organization=ORG,company=ORG,government=ORG"

    /// No shared type: exit 65 with the option to pass. Some gold types unknown: a warning.
    static func check(_ sentences: [AnnotatedSentence], format: CorpusFormat, modelTypes: [String]) throws {
        let gold = Set(sentences.flatMap { $0.entities.map(\.type) })
        let model = Set(modelTypes)
        let modelList = model.sorted().joined(separator: ", ")
        guard !gold.isDisjoint(with: model) else {
            let what = gold.isEmpty ? "the corpus has no gold entities" + (format == .cluener || format == .weibo ? "" : " after --map")
                : "no gold type (\(gold.sorted().joined(separator: ", "))) is one the model predicts (\(modelList))"
            throw CLIError.data("\(what), so every score would be 0; \(hint(gold: gold, sentences: sentences, format: format))")
        }
        let unknown = gold.subtracting(model).sorted()
        if !unknown.isEmpty {
            printError("warning: gold types the model never predicts (\(modelList)) score recall 0: "
                + "\(unknown.joined(separator: ", ")); --map renames or drops them")
        }
    }

    static func hint(gold: Set<String>, sentences: [AnnotatedSentence], format: CorpusFormat) -> String {
        if format != .weibo, looksLikeWeibo(sentences) {
            return "this looks like Weibo NER (a digit after every character): pass --format weibo --map \(weiboMap)"
        }
        if gold.contains(where: { $0.hasSuffix(".NAM") || $0.hasSuffix(".NOM") }) {
            return "for Weibo NER's types pass --map \(weiboMap)"
        }
        if !gold.isDisjoint(with: ["name", "address", "organization", "company", "government"]) {
            return "for CLUENER's types pass --map \(clueNERMap)"
        }
        return "pass --map GOLD=MODEL,... to rename the gold types to the model's (zhner eval --help)"
    }

    /// Weibo's files read as plain BIO keep the segmentation digit: 我0们0 instead of 我们.
    private static func looksLikeWeibo(_ sentences: [AnnotatedSentence]) -> Bool {
        let sample = sentences.prefix(20).map { Array($0.text.unicodeScalars) }
        return !sample.isEmpty && sample.allSatisfy { s in
            s.count % 2 == 0 && stride(from: 1, to: s.count, by: 2).allSatisfy { ("0"..."9").contains(s[$0]) }
        }
    }
}
