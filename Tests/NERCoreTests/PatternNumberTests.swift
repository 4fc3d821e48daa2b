import Foundation
import Testing
@testable import NERCore

/// The texts `PatternRecognizer` reports as `type` in `text`.
func patterns(_ text: String, _ type: String) -> [String] {
    PatternRecognizer.find(in: text).filter { $0.type == type }.map(\.text)
}

/// ID_CARD, BANK_CARD, USCC, PASSPORT and PLATE, with check digits computed here from the
/// standards' tables (not from `Checksums`).
struct PatternNumberTests {
    /// GB 11643-1999's table: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check "10X98765432"[sum % 11].
    static func idCheck(_ first17: String) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(first17, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return Array("10X98765432")[sum % 11]
    }

    static func id(_ first17: String) -> String { first17 + String(idCheck(first17)) }

    @Test func residentIdentityNumbers() {
        // The standard's worked example: Beijing Chaoyang, born 1949-12-31, check X.
        #expect(Self.idCheck("11010519491231002") == "X")
        #expect(patterns("身份证号11010519491231002X。", "ID_CARD") == ["11010519491231002X"])
        #expect(patterns("身份证号11010519491231002x", "ID_CARD") == ["11010519491231002x"])
        #expect(patterns("号码110105194912310021", "ID_CARD").isEmpty)  // wrong check digit
        #expect(patterns("号码11010519491231002X9", "ID_CARD").isEmpty)  // inside a longer run
        #expect(patterns("号码A11010519491231002X", "ID_CARD").isEmpty)
        // Full-width digits: offsets stay those of the original text.
        let wide = "证件：１１０１０５１９４９１２３１００２Ｘ"
        let e = PatternRecognizer.find(in: wide, types: ["ID_CARD"])
        #expect(e.map(\.start) == [3] && e.map(\.end) == [21] && e.first?.text == "１１０１０５１９４９１２３１００２Ｘ")
        // Legacy 15 digits: province and a 19yy date, no check digit.
        #expect(patterns("旧证110105491231002", "ID_CARD") == ["110105491231002"])
        #expect(patterns("旧证110105491331002", "ID_CARD").isEmpty)
    }

    @Test func identityNumberDatesAndRegions() {
        for (date, valid) in [("20000229", true), ("19960229", true), ("19000229", false), ("19970229", false),
                              ("19990431", false), ("19991301", false), ("18991231", false), ("\(Checksums.currentYear + 1)0101", false)] {
            let number = Self.id("110105" + date + "123")
            #expect(patterns("身份证\(number)", "ID_CARD") == (valid ? [number] : []), "\(date)")
        }
        for (province, valid) in [("11", true), ("15", true), ("16", false), ("46", true), ("47", false), ("71", true),
                                  ("72", false), ("81", true), ("82", true), ("83", false), ("10", false), ("91", false)] {
            let number = Self.id(province + "0105" + "19800101" + "123")
            #expect(patterns("身份证\(number)", "ID_CARD") == (valid ? [number] : []), "\(province)")
        }
    }

    /// Luhn by the textbook loop, independent of `Checksums.luhn`.
    static func luhnCheck(_ payload: String) -> String {
        for c in 0...9 {
            let digits = (payload + String(c)).compactMap(\.wholeNumberValue)
            var sum = 0
            for (k, d) in digits.reversed().enumerated() { sum += k % 2 == 0 ? d : (d * 2) / 10 + (d * 2) % 10 }
            if sum % 10 == 0 { return payload + String(c) }
        }
        fatalError("unreachable")
    }

    @Test func bankCards() {
        #expect(Self.luhnCheck("411111111111111") == "4111111111111111")
        let unionPay = Self.luhnCheck("622202020011223344")  // 19 digits
        #expect(patterns("卡号\(unionPay)", "BANK_CARD") == [unionPay])
        #expect(patterns("卡号4111111111111111", "BANK_CARD") == ["4111111111111111"])
        #expect(patterns("卡号4111111111111112", "BANK_CARD").isEmpty)
        #expect(patterns("卡号4111 1111 1111 1111，", "BANK_CARD") == ["4111 1111 1111 1111"])
        #expect(patterns("卡号4111-1111-1111-1111", "BANK_CARD") == ["4111-1111-1111-1111"])
        let grouped = stride(from: 0, to: 19, by: 4).map { String(Array(unionPay)[$0..<min($0 + 4, 19)]) }.joined(separator: " ")
        #expect(patterns("卡号\(grouped)。", "BANK_CARD") == [grouped])
        #expect(patterns("卡号4111 1111 1111 1111 1111", "BANK_CARD").isEmpty)  // 20 digits
        #expect(patterns("卡号4111 111 1111 1111 1", "BANK_CARD").isEmpty)     // not groups of four
        #expect(patterns("单号94111111111111111", "BANK_CARD").isEmpty)        // inside a longer run
        #expect(patterns("卡号\(Self.luhnCheck("111111111111111"))", "BANK_CARD").isEmpty)  // no card starts with 1
    }

    /// GB 32100-2015: weights 3^i mod 31, check 31 - sum mod 31.
    static func usccCheck(_ first17: String) -> Character {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(first17, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }

    @Test func unifiedSocialCreditCodes() {
        #expect(Self.usccCheck("91350100M000100Y4") == "3")
        #expect(patterns("统一社会信用代码：91350100M000100Y43", "USCC") == ["91350100M000100Y43"])
        #expect(patterns("税号91110108551385082Q。", "USCC") == ["91110108551385082Q"])
        #expect(patterns("税号91350100M000100Y44", "USCC").isEmpty)   // wrong check
        #expect(patterns("税号91350100M000100I43", "USCC").isEmpty)   // I is not in the alphabet
        let noProvince = "91990100M000100Y4" + String(Self.usccCheck("91990100M000100Y4"))
        #expect(patterns("税号\(noProvince)", "USCC").isEmpty)
    }

    @Test func passportsNeedTheirContext() {
        #expect(patterns("护照号码E12345678，", "PASSPORT") == ["E12345678"])
        #expect(patterns("护照：EA1234567", "PASSPORT") == ["EA1234567"])
        #expect(patterns("Passport G12345678", "PASSPORT") == ["G12345678"])
        #expect(patterns("零件E12345678已到", "PASSPORT").isEmpty)
        #expect(patterns("护照E123456789", "PASSPORT").isEmpty)
        #expect(patterns("护照EO1234567", "PASSPORT").isEmpty)
        #expect(patterns("护照e12345678", "PASSPORT").isEmpty)
    }

    @Test func licencePlates() {
        #expect(patterns("车牌京A12345违章", "PLATE") == ["京A12345"])
        #expect(patterns("粤B D12345在路口", "PLATE") == ["粤B D12345"])
        #expect(patterns("沪AD12345", "PLATE") == ["沪AD12345"])
        #expect(patterns("苏E12345F", "PLATE") == ["苏E12345F"])
        #expect(patterns("浙A·B1234", "PLATE") == ["浙A·B1234"])
        #expect(patterns("京A1234学", "PLATE") == ["京A1234学"])
        #expect(patterns("京Ａ１２３４５", "PLATE") == ["京Ａ１２３４５"])
        #expect(patterns("京A123456", "PLATE").isEmpty)
        #expect(patterns("京A1234", "PLATE").isEmpty)
        #expect(patterns("京I12345", "PLATE").isEmpty)
        #expect(patterns("京AABC12", "PLATE").isEmpty)
        #expect(patterns("京A12O45", "PLATE").isEmpty)
    }
}
