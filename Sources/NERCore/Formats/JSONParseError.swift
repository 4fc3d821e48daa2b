import Foundation

/// Why Foundation's JSON parser refused a text, in words a client can act on: where it stopped
/// (a byte offset), or that the text ends early, nests too deep or holds a number no Double holds.
///
/// swift-corelibs-foundation gives no structured reason, only a description ("Invalid value
/// around character 13.", "Unexpected end of file during JSON parse.", "Too many nested arrays or
/// dictionaries around character 513.", "Number 1e400 is not representable in Swift."; the
/// "character" is a byte offset from 0), so the reason is read from that; a description of another
/// shape gives nil and callers say only "not valid JSON". The number itself is not repeated:
/// messages never echo what a client sent.
public enum JSONParseError {
    /// The parser's nesting limit (512 levels parse, 513 do not).
    public static let maxDepth = 512

    /// " at byte 13", ": it ends before its JSON does", ...; nil when the description is unknown.
    public static func reason(_ error: any Error) -> String? {
        guard let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else { return nil }
        if text == "Unexpected end of file during JSON parse." { return ": it ends before its JSON does" }
        if text.hasPrefix("Too many nested") { return ": arrays and objects nested deeper than \(maxDepth) levels" }
        if text.hasPrefix("Number "), text.hasSuffix("is not representable in Swift.") {
            return ": a number beyond the range of a 64-bit float (±1.8e308)"
        }
        guard let range = text.range(of: "around character "),
              let offset = Int(text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }) else { return nil }
        return " at byte \(offset)"
    }
}
