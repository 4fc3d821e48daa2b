import Foundation
import Testing
@testable import NERCore

/// DATE, TIME, MONEY, PERCENT and the Chinese numerals under them.
struct PatternQuantityTests {
    @Test func chineseNumerals() {
        let cases: [(String, Int?)] = [("十二", 12), ("二十", 20), ("三千零五十", 3050), ("一百一十", 110), ("四十亿", 4_000_000_000),
                                       ("三亿五千万", 350_000_000), ("两", 2), ("壹佰贰拾", 120), ("一万亿", 1_000_000_000_000),
                                       ("二三", nil), ("十十", nil), ("百千", nil), ("一百十", nil)]
        for (text, value) in cases {
            #expect(Numeral.chineseValue(text.unicodeScalars.map(\.value)) == value, "\(text)")
        }
        // Too big to be a quantity: no value, and no overflow.
        #expect(Numeral.chineseValue(Array(repeating: "亿".unicodeScalars.first!.value, count: 16)) == nil)
    }

    @Test func dates() {
        for date in ["2015年3月5日", "2015年3月5号", "2015-03-05", "2015/3/5", "2015.03.05", "二〇一五年三月五日", "十二月三十一日",
                     "2015年3月", "2015年", "2000年2月29日", "2016-02-29", "2月29日", "２０１５年３月５日"] {
            #expect(patterns("会议于\(date)召开", "DATE") == [date], "\(date)")
        }
        for text in ["1900年2月29日", "2015年2月29日", "2015-02-29", "2015年13月1日", "2015年4月31日", "4月31日", "3月",
                     "2019年2月29日", "2015-03-05-01", "2015-3-5x", "12015-03-05", "2015-03/05"] {
            #expect(patterns(text, "DATE").isEmpty, "\(text)")
        }
        // Two-digit years are not read; what follows them is still a date.
        #expect(patterns("15年3月5日", "DATE") == ["3月5日"])
    }

    @Test func times() {
        for time in ["14:30", "9:05:30", "上午九点半", "下午3点", "九点十五分", "14时30分", "晚上八点一刻", "十点二十分十五秒", "9点30",
                     "14：30"] {
            #expect(patterns("我们\(time)见", "TIME") == [time], "\(time)")
        }
        for text in ["25:00", "14:60", "3点", "三点五", "3点5个", "114:30", "14:30:5", "比分3:2"] {
            #expect(patterns(text, "TIME").isEmpty, "\(text)")
        }
        // Date and time side by side stay two entities.
        #expect(PatternRecognizer.find(in: "2015-03-05 14:30").map(\.type) == ["DATE", "TIME"])
        #expect(PatternRecognizer.find(in: "2015年3月5日下午3点").map(\.text) == ["2015年3月5日", "下午3点"])
        #expect(PatternRecognizer.find(in: "2015/8/10十二点五十九分").map(\.text) == ["2015/8/10", "十二点五十九分"])
    }

    @Test func money() {
        for amount in ["40亿元", "¥1,200", "1200元", "三千万美元", "US$3.5亿", "￥1,234,567.89", "3.5万元", "五块钱", "100港元", "RMB 500",
                       "１２００元"] {
            #expect(patterns("共计\(amount)。", "MONEY") == [amount], "\(amount)")
        }
        for text in ["1,2345元", "¥", "元", "1200", "12.3.4元", "二三元"] {
            #expect(patterns(text, "MONEY").isEmpty, "\(text)")
        }
    }

    @Test func percents() {
        for percent in ["30%", "12.5％", "百分之三十", "百分之三十点五", "千分之5", "百分之12.5", "3‰", "百分之百"] {
            #expect(patterns("增长\(percent)。", "PERCENT") == [percent], "\(percent)")
        }
        for text in ["%", "百分之", "1.2.3%"] {
            #expect(patterns(text, "PERCENT").isEmpty, "\(text)")
        }
    }
}
