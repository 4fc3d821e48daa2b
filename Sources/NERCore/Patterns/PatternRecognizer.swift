/// The personal-data types the pattern recognizers report, most specific first: that order breaks
/// ties between equally long candidates (docs/PRIVACY.md).
public enum PatternType: String, CaseIterable, Sendable {
    case url = "URL"
    case email = "EMAIL"
    case idCard = "ID_CARD"
    case uscc = "USCC"
    case bankCard = "BANK_CARD"
    case passport = "PASSPORT"
    case plate = "PLATE"
    case phone = "PHONE"
    case ip = "IP"
    case date = "DATE"
    case time = "TIME"
    case money = "MONEY"
    case percent = "PERCENT"

    /// Words that, shortly before a match, make it likelier to be what it looks like (lower-case
    /// ASCII: context is compared case-insensitively). For PASSPORT one is required.
    var contextWords: [String] {
        switch self {
        case .phone: ["电话", "手机", "联系", "致电", "拨打", "热线", "号码", "座机", "tel"]
        case .email: ["邮箱", "邮件", "mail"]  // mail: also email, e-mail
        case .url: ["网址", "网站", "链接", "官网"]
        case .ip: ["ip", "地址", "服务器", "主机"]
        case .idCard: ["身份证", "证件", "身份号"]
        case .bankCard: ["卡号", "银行卡", "账号", "帐号", "储蓄卡", "信用卡", "借记卡"]
        case .passport: ["护照", "passport"]
        case .plate: ["车牌", "牌照", "车辆", "号牌"]
        case .uscc: ["信用代码", "税号", "纳税人识别号", "uscc"]
        case .date, .time, .money, .percent: []
        }
    }

    /// The spans of this type's recognizer, before context and overlaps.
    func spans(in t: PatternText) -> [Range<Int>] {
        switch self {
        case .url: WebAddresses.urls(in: t)
        case .email: WebAddresses.emails(in: t)
        case .idCard: IdentityNumbers.residentIDs(in: t)
        case .uscc: CreditCodes.find(in: t)
        case .bankCard: BankCards.find(in: t)
        case .passport: IdentityNumbers.passports(in: t)
        case .plate: LicencePlates.find(in: t)
        case .phone: PhoneNumbers.find(in: t)
        case .ip: IPAddresses.find(in: t)
        case .date: Dates.find(in: t)
        case .time: Times.find(in: t)
        case .money: Amounts.money(in: t)
        case .percent: Amounts.percents(in: t)
        }
    }

    /// A match's score without context: higher where validation is stronger (a check digit or a
    /// calendar check against a shape alone).
    var baseScore: Float {
        switch self {
        case .idCard, .uscc, .bankCard: 0.95
        case .url, .email, .ip, .date, .time, .money, .percent: 0.9
        case .phone, .plate: 0.85
        case .passport: 0.8
        }
    }
}

/// Deterministic recognizers of personal data (docs/PRIVACY.md): one linear scan per type over the
/// text's code points, validation where the format has one, and a context boost.
public enum PatternRecognizer {
    /// Every type's name.
    public static let allTypes: Set<String> = Set(PatternType.allCases.map(\.rawValue))

    /// How far before a match (in code points) a context word counts, and what it adds.
    static let contextWindow = 10
    static let contextBoost: Float = 0.1

    /// The spans of the URLs and e-mail addresses in `text` (code points, any order, possibly
    /// overlapping): what no model entity may overlap, whether or not patterns are reported. A text
    /// without `@`, `.`, `/`, `＠` or `．` holds none, and most Chinese text is spared the scan.
    public static func webAddressSpans(in text: String) -> [Range<Int>] {
        guard text.utf8.contains(where: { $0 == 0x40 || $0 == 0x2E || $0 == 0x2F }) || text.contains("＠") || text.contains("．")
        else { return [] }
        let t = PatternText(text)
        return WebAddresses.urls(in: t) + WebAddresses.emails(in: t)
    }

    /// The entities of the requested `types` (unknown names are ignored) in `text`: sorted by
    /// start, non-overlapping, source `.pattern`, offsets in code points of `text`.
    ///
    /// Overlaps are resolved over every type before `types` filters, so a phone number inside a
    /// URL stays part of the URL even when only PHONE is asked for. The rule: the longest
    /// candidate wins; between equally long ones the more specific type (`PatternType` order);
    /// then the earlier start.
    public static func find(in text: String, types: Set<String> = allTypes) -> [Entity] {
        let wanted = PatternType.allCases.filter { types.contains($0.rawValue) }
        guard !wanted.isEmpty, !text.isEmpty else { return [] }
        let t = PatternText(text)
        return resolve(candidates(in: t), count: t.count)
            .filter { wanted.contains($0.type) }
            .map { Entity(type: $0.type.rawValue, start: $0.start, end: $0.end, text: t.text($0.start, $0.end),
                          score: $0.score, source: .pattern) }
    }

    /// Every recognizer's matches, context applied (PASSPORT dropped without its context).
    static func candidates(in t: PatternText) -> [PatternMatch] {
        var words: [PatternType: [[UInt32]]] = [:]
        for type in PatternType.allCases { words[type] = PatternText.words(type.contextWords) }
        let raw = PatternType.allCases.flatMap { type in type.spans(in: t).map { (type, $0) } }
        return raw.compactMap { type, span in
            let context = words[type]!.contains { t.hasWord($0, before: span.lowerBound, window: contextWindow) }
            if type == .passport, !context { return nil }
            return PatternMatch(type: type, start: span.lowerBound, end: span.upperBound,
                                score: min(1, type.baseScore + (context ? contextBoost : 0)))
        }
    }

    /// Non-overlapping matches by the rule of `find`, sorted by start.
    static func resolve(_ matches: [PatternMatch], count: Int) -> [PatternMatch] {
        let order = Dictionary(uniqueKeysWithValues: PatternType.allCases.enumerated().map { ($1, $0) })
        let ranked = matches.sorted {
            let (a, b) = ($0.end - $0.start, $1.end - $1.start)
            if a != b { return a > b }
            if $0.type != $1.type { return order[$0.type]! < order[$1.type]! }
            return $0.start < $1.start
        }
        var taken = [Bool](repeating: false, count: count)
        var kept: [PatternMatch] = []
        for m in ranked where !taken[m.start..<m.end].contains(true) {
            for i in m.start..<m.end { taken[i] = true }
            kept.append(m)
        }
        return kept.sorted { $0.start < $1.start }
    }
}
