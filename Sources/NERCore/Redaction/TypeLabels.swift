/// Chinese names of entity types, for redacted text meant for Chinese readers: a template's
/// `{label}` (`<{label}>` gives `<电话>`) and pseudonyms (`人物1`, `地点2`).
public enum TypeLabels {
    static let chinese: [String: String] = [
        "PER": "人物", "LOC": "地点", "ORG": "机构",
        "PHONE": "电话", "EMAIL": "邮箱", "URL": "网址", "IP": "IP地址", "ID_CARD": "身份证号",
        "BANK_CARD": "银行卡号", "PASSPORT": "护照号", "PLATE": "车牌号", "USCC": "信用代码",
        "DATE": "日期", "TIME": "时间", "MONEY": "金额", "PERCENT": "比例",
    ]

    /// The type's Chinese name; a type without one (a lexicon's `PRODUCT`, another model's label)
    /// is named by itself.
    public static func label(_ type: String) -> String {
        chinese[type] ?? type
    }
}
