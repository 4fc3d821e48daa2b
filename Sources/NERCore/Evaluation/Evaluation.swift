/// Entity-level exact-match scores, with the conventions of `seqeval`'s default mode: an entity
/// counts as correct only if its type, start and end all match; precision, recall and F1 are
/// micro-averaged over entities, per type and overall.
public struct EntityScores: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var correct = 0
        public var predicted = 0
        public var gold = 0

        public var precision: Double { predicted == 0 ? 0 : Double(correct) / Double(predicted) }
        public var recall: Double { gold == 0 ? 0 : Double(correct) / Double(gold) }
        public var f1: Double {
            let p = precision, r = recall
            return p + r == 0 ? 0 : 2 * p * r / (p + r)
        }
    }

    public struct Span: Hashable, Sendable {
        public let type: String
        public let start: Int
        public let end: Int

        public init(type: String, start: Int, end: Int) {
            self.type = type
            self.start = start
            self.end = end
        }
    }

    public private(set) var byType: [String: Counts] = [:]
    public private(set) var overall = Counts()

    public init() {}

    /// Adds one sentence's gold and predicted entities.
    public mutating func add(gold: [Span], predicted: [Span]) {
        let goldSet = Set(gold)
        let predictedSet = Set(predicted)
        for s in goldSet {
            byType[s.type, default: Counts()].gold += 1
            overall.gold += 1
        }
        for s in predictedSet {
            byType[s.type, default: Counts()].predicted += 1
            overall.predicted += 1
            if goldSet.contains(s) {
                byType[s.type, default: Counts()].correct += 1
                overall.correct += 1
            }
        }
    }
}
