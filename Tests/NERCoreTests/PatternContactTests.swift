import Foundation
import Testing
@testable import NERCore

/// PHONE, EMAIL, URL and IP.
struct PatternContactTests {
    @Test func mobileNumbers() {
        for phone in ["13812345678", "+8613812345678", "+86 138 1234 5678", "(+86)138-1234-5678", "0086-13812345678",
                      "008613812345678", "138-1234-5678", "199 0000 1111", "１３８１２３４５６７８", "+86-15912345678"] {
            #expect(patterns("电话\(phone)，", "PHONE") == [phone], "\(phone)")
        }
        for text in ["12345678901", "号码1381234567", "138123456789", "a13812345678", "订单号20231381234567890123",
                     "138 1234 5678 9012", "138-1234 5678"] {
            #expect(patterns(text, "PHONE").isEmpty, "\(text)")
        }
        // A run of 11 digits stands alone even when a number follows after a space.
        #expect(patterns("手机13812345678 2020年", "PHONE") == ["13812345678"])
    }

    @Test func landlines() {
        for phone in ["010-62345678", "021-87654321", "0755-2345678", "0571 88886666", "(010)62345678", "（0755）22345678"] {
            #expect(patterns("座机\(phone)。", "PHONE") == [phone], "\(phone)")
        }
        // 011 is no area code; local numbers start with 2–9 and have 7 or 8 digits.
        for text in ["011-62345678", "0755-0123456", "010-12345678", "010-62345", "010-623456789", "2010-62345678"] {
            #expect(patterns(text, "PHONE").isEmpty, "\(text)")
        }
    }

    @Test func contextRaisesTheScore() {
        let plain = PatternRecognizer.find(in: "是13812345678吗")
        let told = PatternRecognizer.find(in: "手机号码是13812345678吗")
        #expect(plain.count == 1 && told.count == 1)
        #expect(told[0].score > plain[0].score)
        // Out of the window it no longer counts.
        let far = PatternRecognizer.find(in: "手机" + String(repeating: "，", count: 12) + "13812345678")
        #expect(far[0].score == plain[0].score)
        #expect(PatternRecognizer.find(in: "Tel:13812345678")[0].score == told[0].score)
    }

    @Test func emails() {
        for email in ["zhangsan@qq.com", "li.ming@pku.edu.cn", "chen_jie+news@company-mail.com", "13812345678@163.com",
                      "ｚｈａｎｇ＠ｑｑ．ｃｏｍ"] {
            #expect(patterns("邮箱\(email)。", "EMAIL") == [email], "\(email)")
        }
        #expect(patterns("发到a.b@c.com.，谢谢", "EMAIL") == ["a.b@c.com"])
        for text in ["user@localhost", "a@b", "a@b.c", "a..b@c.com", "a.@c.com", "@qq.com", "a@-b.com", "a@b.c0m"] {
            #expect(patterns(text, "EMAIL").isEmpty, "\(text)")
        }
        // The phone-like local part is part of the address, so no PHONE.
        #expect(patterns("13812345678@163.com", "PHONE").isEmpty)
        #expect(PatternRecognizer.find(in: "13812345678@163.com", types: ["PHONE"]).isEmpty)
    }

    @Test func urls() {
        for url in ["https://www.baidu.com/s?wd=zhner", "http://news.sina.com.cn/c/2015-03-05/doc.html", "www.gov.cn",
                    "HTTPS://GitHub.com/a_b/c#x", "http://localhost:8080/v1", "ftp://files.example.org/a.zip"] {
            #expect(patterns("访问\(url)，谢谢。", "URL") == [url], "\(url)")
        }
        #expect(patterns("见(https://a.com/x).", "URL") == ["https://a.com/x"])
        #expect(patterns("链接https://a.com：请看", "URL") == ["https://a.com"])  // full-width colon ends it
        for text in ["http://abc", "https://", "awww.baidu.com", "http://a.b"] {
            #expect(patterns(text, "URL").isEmpty, "\(text)")
        }
        // Digits inside a URL belong to it.
        #expect(PatternRecognizer.find(in: "https://a.com/13812345678").map(\.type) == ["URL"])
    }

    @Test func ipAddresses() {
        for ip in ["192.168.1.1", "0.0.0.0", "255.255.255.255", "8.8.8.8", "2001:db8::1", "fe80::1ff:fe23:4567:890a",
                   "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::1", "::ffff:192.168.1.1"] {
            #expect(patterns("地址\(ip)。", "IP") == [ip], "\(ip)")
        }
        #expect(patterns("IP是10.0.0.1.", "IP") == ["10.0.0.1"])
        for text in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4a", "v1.2.3.4", "14:30", "12:30:45",
                     "1:2:3:4:5:6:7:8:9", "1::2::3", "2001:db8::12345", "地址192．168．1．1"] {
            #expect(patterns(text, "IP").isEmpty, "\(text)")
        }
    }
}
