import Foundation

/// Typed reads of JSONSerialization values.
///
/// Booleans and numbers both arrive as NSNumber, and `value is Bool` is also true for the numbers
/// 0 and 1, so booleans are told apart by their encoding ("c") instead.
enum JSONValue {
    static func isBool(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        return String(cString: n.objCType) == "c"
    }

    /// A number that is not a boolean.
    static func number(_ v: Any) -> NSNumber? {
        guard let n = v as? NSNumber, !isBool(v) else { return nil }
        return n
    }

    /// A whole number that fits an Int (not 0.5, not 1e23, not a boolean).
    static func integer(_ v: Any) -> Int? {
        guard let n = number(v) else { return nil }
        let d = n.doubleValue
        guard d == d.rounded(), abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }

    /// A boolean (not the numbers 0/1).
    static func bool(_ v: Any) -> Bool? {
        guard isBool(v), let n = v as? NSNumber else { return nil }
        return n.boolValue
    }
}
