import Foundation

/// The check algorithms and calendar test the validating recognizers share.
enum Checksums {
    /// Luhn (ISO/IEC 7812-1): doubling every second digit from the right, the sum is a multiple of 10.
    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            let v = k % 2 == 1 ? d * 2 : d
            sum += v > 9 ? v - 9 : v
        }
        return !digits.isEmpty && sum % 10 == 0
    }

    /// ISO 7064 MOD 11-2 check character of a resident identity number's first 17 digits
    /// (GB 11643-1999): weights 2^(17-i) mod 11, check (12 - sum mod 11) mod 11, 10 written X.
    static func mod11_2(_ digits: [Int]) -> Character {
        var sum = 0
        var weight = 1
        for d in digits.reversed() {
            weight = weight * 2 % 11
            sum += d * weight
        }
        let check = (12 - sum % 11) % 11
        return check == 10 ? "X" : Character(String(check))
    }

    /// The 31 characters of a unified social credit code (GB 32100-2015): digits and upper-case
    /// letters without I, O, S, V, Z; a character's value is its index.
    static let usccAlphabet: [UInt32] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".unicodeScalars.map(\.value))

    /// GB 32100-2015 check value of the first 17 values: weights 3^i mod 31, check 31 - sum mod 31
    /// (31 written 0).
    static func usccCheck(_ values: [Int]) -> Int {
        var sum = 0
        var weight = 1
        for v in values {
            sum += v * weight
            weight = weight * 3 % 31
        }
        return (31 - sum % 31) % 31
    }

    /// Province-level codes, the first two digits of a resident identity number's region (GB/T 2260):
    /// 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71 (Taiwan), 81, 82 (Hong Kong, Macao).
    static func isProvince(_ code: Int) -> Bool {
        switch code {
        case 11...15, 21...23, 31...37, 41...46, 50...54, 61...65, 71, 81, 82: true
        default: false
        }
    }

    /// Whether year-month-day is a real Gregorian date.
    static func isDate(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && (1...daysIn(month: month, year: year)).contains(day)
    }

    /// Days in `month`; February has 29 in leap years (callers without a year pass a leap year, so 2月29日 is allowed).
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The current year (UTC), the newest birth year an identity number may carry.
    static let currentYear: Int = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.component(.year, from: Date())
    }()
}
