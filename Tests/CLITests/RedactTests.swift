import Foundation
import Testing
import ZhnerTestSupport

/// `zhner redact`: input forms as for `zhner tag`, both formats, operators and their errors, the key,
/// and the rule that redaction hides exactly what tagging reports.
struct RedactTests {
    static let text = "我的电话是13812345678，邮箱zhangsan@example.com，身份证号11010519491231002X。"
    static let lines = [text, "", "张伟在北京工作。", "联合国秘书长访问上海。😀张伟", text]

    static func redact(_ options: [String], input: String = lines.joined(separator: "\n") + "\n",
                       environment: [String: String] = [:]) throws -> Zhner.Result {
        try Zhner.run(["redact", "--model", Zhner.tinyModel] + options, stdin: Data(input.utf8), environment: environment)
    }

    static func records(_ r: Zhner.Result) throws -> [[String: Any]] {
        #expect(r.status == 0, "\(r.stderr)")
        return try r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// Puts each item's original back over its redacted span: the original text again.
    static func restore(_ record: [String: Any]) -> String {
        var scalars = Array((record["text"] as! String).unicodeScalars)
        for item in (record["items"] as! [[String: Any]]).reversed() {
            scalars.replaceSubrange((item["redacted_start"] as! Int)..<(item["redacted_end"] as! Int), with: (item["text"] as! String).unicodeScalars)
        }
        return String(String.UnicodeScalarView(scalars))
    }

    @Test func stdinAndFileGiveOneRecordPerLineInOrder() throws {
        let fromStdin = try Self.redact(["--with-originals"])
        let dir = try Zhner.scratchDirectory("redact")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (Self.lines.joined(separator: "\n") + "\n").write(toFile: dir + "/in.txt", atomically: true, encoding: .utf8)
        let fromFile = try Zhner.run(["redact", "--model", Zhner.tinyModel, "--with-originals", "--input", dir + "/in.txt"])
        #expect(fromFile.stdout == fromStdin.stdout)
        let records = try Self.records(fromStdin)
        #expect(records.count == Self.lines.count)
        #expect(records.map(Self.restore) == Self.lines)
        #expect(records[1]["text"] as? String == "" && (records[1]["items"] as? [Any])?.isEmpty == true)
        // Patterns default to pii here, so the personal data is gone.
        let first = records[0]["text"] as! String
        #expect(first.contains("[PHONE]") && first.contains("[EMAIL]") && first.contains("[ID_CARD]"), "\(first)")
        #expect(!first.contains("13812345678"))
        // Without --with-originals the items do not carry what they hide.
        let plain = try Self.records(try Self.redact([]))
        #expect(plain.allSatisfy { ($0["items"] as! [[String: Any]]).allSatisfy { $0["text"] == nil } })
        #expect(!String(decoding: try JSONSerialization.data(withJSONObject: plain), as: UTF8.self).contains("13812345678"))
    }

    /// The items are `zhner tag`'s entities for the same options: same types, same spans.
    @Test func itemsAreTheTaggedEntities() throws {
        for options in [["--patterns", "pii"], ["--patterns", "all", "--entities", "PER,PHONE"], ["--patterns", "none"]] {
            let tagged = try Zhner.run(["tag", "--model", Zhner.tinyModel] + options, stdin: Data(Self.lines.joined(separator: "\n").utf8))
            let entities = try tagged.stdout.split(separator: "\n").map { line in
                ((try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["entities"] as! [[String: Any]])
                    .map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!)" }
            }
            let items = try Self.records(try Self.redact(options)).map { record in
                (record["items"] as! [[String: Any]]).map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!)" }
            }
            #expect(items == entities, "\(options)")
        }
    }

    @Test func textFormatWritesTheRedactedLines() throws {
        let r = try Self.redact(["--format", "text", "--operator", "PHONE=mask:3:4,EMAIL=keep,default=replace", "--template", "<{label}>"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(out.count == Self.lines.count)
        #expect(out[0] == "我的电话是138****5678，邮箱zhangsan@example.com，身份证号<身份证号>。")
        #expect(out[1] == "")
        #expect(out[0] == out[4])
    }

    @Test func textFieldRedactsTheFieldAndKeepsTheRest() throws {
        let input = """
            {"id": 7, "body": "电话13812345678", "n": 1.50, "tags": ["a", "}"]}
            {"body":"","id":8}
            {"b\\u006fdy": "邮箱zhangsan@example.com", "x": null}

            """
        let jsonl = try Self.redact(["--text-field", "body"], input: input)
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        let lines = jsonl.stdout.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("{\"id\": 7, \"body\": \"电话[PHONE]\", \"n\": 1.50, \"tags\": [\"a\", \"}\"], \"items\": [{\"type\": \"PHONE\""))
        #expect(lines[1] == "{\"body\":\"\",\"id\":8, \"items\": []}")
        #expect(lines[2].hasPrefix("{\"b\\u006fdy\": \"邮箱[EMAIL]\", \"x\": null, \"items\": "))
        let text = try Self.redact(["--text-field", "body", "--format", "text"], input: input)
        #expect(text.stdout.split(separator: "\n")[0] == "{\"id\": 7, \"body\": \"电话[PHONE]\", \"n\": 1.50, \"tags\": [\"a\", \"}\"]}")
        // A field named twice, a record that already has "items", a missing field: exit 65, named by line.
        for (bad, message) in [("{\"body\": \"a\", \"body\": \"电话13812345678\"}", "more than once"), ("{\"body\": \"a\", \"items\": 1}", "\"items\""),
                               ("{\"text\": \"a\"}", "no field")] {
            let r = try Self.redact(["--text-field", "body"], input: "{\"body\": \"ok\"}\n" + bad + "\n")
            #expect(r.status == 65)
            #expect(r.stderr.contains("stdin line 2") && r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stdout.split(separator: "\n").count == 1)
        }
    }

    @Test(arguments: [
        (["--operator", "PHONE=shred"], "unknown operator shred"),
        (["--operator", "PHONE"], "expected TYPE=OPERATOR"),
        (["--operator", "PHONE=mask:x"], "keep_first must be a whole number"),
        (["--operator", "PHONE=mask:3:99"], "keep_last must be an integer in 0...64"),
        (["--operator", "PHONE=mask:1:1:ab"], "mask_char"),
        (["--operator", "PHONE=hash:4"], "length must be an integer in 8...64"),
        (["--operator", "PER=keep:1"], "takes no parameters"),
        (["--operator", "NOPE=keep"], "NOPE is not a type"),
        // Ambiguous or idle operators look like protection and are none (names, phones in clear).
        (["--operator", "PER=mask,PER=keep"], "PER is named twice"),
        (["--operator", "default=mask", "--operator", "default=keep"], "default is named twice"),
        (["--patterns", "none", "--operator", "PHONE=mask"], "PHONE is never found with these --patterns/--entities"),
        (["--entities", "LOC", "--operator", "PER=mask"], "PER is never found"),
        (["--operator", "PHONE=hash"], "needs a key"),
        (["--template", "a\tb"], "--template"),
        (["--format", "conll"], "--format"),
    ])
    func badOptionsAreUsageErrors(_ options: [String], _ message: String) throws {
        let r = try Self.redact(options)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func keyFromFileOrVariableNeverShown() throws {
        let dir = try Zhner.scratchDirectory("redact-key")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secret = "Zk-Secret-9q"
        try (secret + "\n").write(toFile: dir + "/key", atomically: true, encoding: .utf8)
        let options = ["--format", "text", "--operator", "PHONE=hash,PER=pseudonym"]
        let fromFile = try Self.redact(options + ["--key-file", dir + "/key"])
        let fromVariable = try Self.redact(options, environment: ["ZHNER_REDACT_KEY": secret])
        let fromFileVariable = try Self.redact(options, environment: ["ZHNER_REDACT_KEY_FILE": dir + "/key"])
        #expect(fromFile.status == 0 && fromFile.stdout == fromVariable.stdout && fromFile.stdout == fromFileVariable.stdout)
        // HMAC-SHA256(key, "13812345678"), as `openssl dgst -sha256 -hmac KEY` computes it, first 16 digits.
        #expect(fromFile.stdout.hasPrefix("我的电话是9764e8902511b685，"), "\(fromFile.stdout)")
        let other = try Self.redact(options, environment: ["ZHNER_REDACT_KEY": secret + "2"])
        #expect(other.stdout != fromFile.stdout)
        let missing = try Self.redact(options + ["--key-file", dir + "/nope"])
        #expect(missing.status == 74)
        #expect(missing.stderr.contains("cannot read the redaction key file \(dir)/nope"))
        try "\n".write(toFile: dir + "/empty", atomically: true, encoding: .utf8)
        let empty = try Self.redact(options + ["--key-file", dir + "/empty"])
        #expect(empty.status == 2 && empty.stderr.contains("is empty"))
        for r in [fromFile, fromVariable, missing, empty] { #expect(!(r.stdout + r.stderr).contains(secret)) }
    }
}
