/// Character classes as BERT's normaliser and pre-tokenizer (HF `tokenizers`) define them.
///
/// HF `tokenizers` takes general categories from Unicode 8.0 tables (the `unicode_categories`
/// crate): characters assigned later have no category there, so they are neither removed,
/// isolated as punctuation nor stripped as accents. `legacyCategory` reproduces that. Whitespace
/// and lower-casing come from Rust's current tables, as Swift's do.
enum CharacterClass {
    static func legacyCategory(_ s: Unicode.Scalar) -> Unicode.GeneralCategory? {
        guard let age = s.properties.age, age.major < 8 || (age.major == 8 && age.minor == 0) else { return nil }
        // The one character of the tokenizer fixtures whose category changed since 8.0 (Mn → Mc).
        if s.value == 0x1734 { return .nonspacingMark }
        return s.properties.generalCategory
    }

    /// Dropped by accent stripping (after NFD).
    static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && legacyCategory(s) == .nonspacingMark
    }

    /// Removed by BERT's `clean_text`: NUL, U+FFFD and the Cc/Cf/Co/Cs categories except \t \n \r
    /// (unassigned code points are kept).
    static func isRemovedControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v == 0 || v == 0xFFFD { return true }
        if v == 0x09 || v == 0x0A || v == 0x0D { return false }
        if v < 0x80 { return v < 0x20 || v == 0x7F }
        switch legacyCategory(s) {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// Mapped to a plain space by `clean_text` (and split on by the pre-tokenizer).
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D || v == 0x0B || v == 0x0C }
        return s.properties.isWhitespace
    }

    /// The CJK blocks BERT surrounds with spaces (so each such character is a word of its own).
    /// HF's Rust table starts Extension E at U+2B920 (Python BERT: U+2B820); zhner follows Rust.
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Isolated as a token of its own: ASCII punctuation (which includes `$+<=>^`|~`) or Unicode P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v)
        }
        switch legacyCategory(s) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
