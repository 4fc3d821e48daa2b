import Foundation
import Testing
import ZhnerTestSupport

/// The `zhner` binary, run as a user would run it.
struct CLITests {
    @Test(arguments: [[], ["--help"], ["tag", "--help"], ["quantize", "--help"], ["info", "--help"], ["eval", "--help"], ["help", "tag"]])
    func helpIsAvailable(_ args: [String]) throws {
        let r = try Zhner.run(args)
        #expect(r.stdout.contains("Usage"))
        #expect(r.status == (args.isEmpty ? 2 : 0))
    }

    @Test func tagWritesOneRecordPerLineInOrder() throws {
        let lines = ["张伟在北京工作。", "", "   ", "联合国秘书长访问上海", "emoji 😀 和 \"引号\"\t制表"]
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--batch", "2", "--threads", "2"],
                             stdin: Data(lines.joined(separator: "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let records = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(records.count == lines.count)
        for (line, record) in zip(lines, records) {
            let obj = try JSONSerialization.jsonObject(with: Data(record.utf8)) as! [String: Any]
            #expect(obj["text"] as? String == line)
            let entities = obj["entities"] as! [[String: Any]]
            let scalars = Array(line.unicodeScalars)
            for e in entities {
                let start = e["start"] as! Int
                let end = e["end"] as! Int
                var slice = ""
                slice.unicodeScalars.append(contentsOf: scalars[start..<end])
                #expect(e["text"] as? String == slice)
                #expect(["PER", "LOC", "ORG"].contains(e["type"] as! String))
                #expect((0...1).contains((e["score"] as! NSNumber).doubleValue))
            }
            if line.trimmingCharacters(in: .whitespaces).isEmpty { #expect(entities.isEmpty) }
        }
        // The first key is "text", then "entities": scripts may rely on the order.
        #expect(records.first?.hasPrefix("{\"text\": ") == true)
    }

    @Test func conllFormat() throws {
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--format", "conll"], stdin: Data("北京 欢迎你\n\n上海".utf8))
        #expect(r.status == 0)
        // One line per non-space character and a blank line closing each of the three texts.
        let lines = r.stdout.components(separatedBy: "\n").dropLast()
        #expect(lines.map { $0.split(separator: "\t").first.map(String.init) ?? "" } == ["北", "京", "欢", "迎", "你", "", "", "上", "海", ""])
        for line in lines where !line.isEmpty {
            let label = String(line.split(separator: "\t")[1])
            #expect(label == "O" || label.hasPrefix("B-") || label.hasPrefix("I-"))
        }
    }

    @Test func inputAndOutputFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-cli-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("北京\r\n上海\n广州".utf8).write(to: URL(fileURLWithPath: dir + "/in.txt"))
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--input", dir + "/in.txt", "--output", dir + "/out.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(out.split(separator: "\n").count == 3)
        #expect(out.contains("\"text\": \"北京\","))
        // The file named alone is the same input, for both line commands.
        for command in ["tag", "redact"] {
            let named = try Zhner.run([command, "--model", Zhner.tinyModel, "--input", dir + "/in.txt"])
            let alone = try Zhner.run([command, "--model", Zhner.tinyModel, dir + "/in.txt"])
            #expect(alone.status == 0 && alone.stdout == named.stdout, "\(alone.stderr)")
            #expect(alone.stdout.split(separator: "\n").count == 3)
        }
    }

    @Test func badInputIsAClearError() throws {
        var bytes = Data("好的\n".utf8)
        bytes.append(contentsOf: [0xE4, 0xB8, 0x41, 0x0A])
        let r = try Zhner.run(["tag", "--model", Zhner.tinyModel], stdin: bytes)
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 2 is not valid UTF-8 at byte offset 7 (0xE4 0xB8)"), "\(r.stderr)")
    }

    @Test(arguments: [
        (["tag", "--model", "/nonexistent"], Int32(66), "is not a directory"),
        (["tag", "--bogus"], Int32(2), "unknown option --bogus"),
        (["tag", "--format", "xml"], Int32(2), "must be one of jsonl, conll"),
        (["tag", "--threads", "0"], Int32(2), "--threads must be an integer"),
        (["frobnicate"], Int32(2), "unknown command"),
        (["quantize", "only-one"], Int32(2), "needs IN_DIR and OUT_DIR"),
        (["quantize", "a", "b", "--fold-bigrams", "10"], Int32(2), "--fold-bigrams needs --calibration"),
        (["quantize", "a", "b", "--fold-words", "10"], Int32(2), "--fold-words needs --calibration"),
        (["quantize", Zhner.tinyModel, "/dev/null"], Int32(74), "OUT_DIR /dev/null is a file, not a folder"),
        (["quantize", Zhner.tinyModel, "/proc/zhner-q"], Int32(74), "cannot write /proc/zhner-q"),
        (["quantize", Zhner.tinyModel, "/nonexistent/q", "--calibration", "x.txt"], Int32(2), "--calibration applies to"),
        (["tag", "--input", "/nonexistent/file"], Int32(74), "cannot open"),
        (["tag", "a.txt", "b.txt"], Int32(2), "one input file at a time (got 2: a.txt b.txt)"),
        (["tag", "-m", "dir", "a.txt"], Int32(2), "unknown option -m (options are spelled --name"),
        (["tag", "--input", "-x"], Int32(74), "cannot open -x"),  // an option's value may start with -
        (["redact", "a.txt", "--input", "b.txt"], Int32(2), "the input is named twice (a.txt and --input b.txt)"),
    ])
    func usageErrors(_ args: [String], _ status: Int32, _ message: String) throws {
        let r = try Zhner.run(args.count > 1 && args[1] == "--input" ? ["tag", "--model", Zhner.tinyModel] + args.dropFirst() : args)
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func quantizeThenInfoThenTag() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-q-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let q = try Zhner.run(["quantize", Zhner.tinyModel, dir])
        #expect(q.status == 0, "\(q.stderr)")
        #expect(try Zhner.run(["quantize", Zhner.tinyModel, dir]).status == 2)
        let info = try Zhner.run(["info", dir])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("INT8 (zhner-int8-v1, from F32)"))
        #expect(info.stdout.contains("2 layers, hidden 64"))
        #expect(info.stdout.contains("labels:       7"))
        let tag = try Zhner.run(["tag"], stdin: Data("北京欢迎你".utf8), environment: ["ZHNER_MODEL": dir])
        #expect(tag.status == 0, "\(tag.stderr)")
        #expect(tag.stdout.hasPrefix("{\"text\": \"北京欢迎你\""))
    }

    /// Only the files a model folder is read for are copied; the rest are named on stderr.
    @Test func quantizeCopiesOnlyWhatAModelReads() throws {
        let dir = try Zhner.scratchDirectory("zhner-q-files")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/in")
        // A newer model's config declares an extra table in its "files" map.
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/in/config.json"))) as! [String: Any]
        config["files"] = ["charmap": "charmap.txt"]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/in/config.json"))
        for extra in ["charmap.txt", "model.onnx", "README.md"] { try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/in/" + extra)) }
        let q = try Zhner.run(["quantize", dir + "/in", dir + "/out"])
        #expect(q.status == 0, "\(q.stderr)")
        #expect(q.stderr.contains("not copied (an INT8 folder does not read them): README.md, model.onnx"), "\(q.stderr)")
        #expect(try fm.contentsOfDirectory(atPath: dir + "/out").sorted()
            == ["charmap.txt", "config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"])
        #expect(try Zhner.run(["tag", "--model", dir + "/out"], stdin: Data("北京".utf8)).status == 0)
    }

    @Test func evalScoresACorpus() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-eval-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "北\tB-LOC\n京\tI-LOC\n欢\tO\n迎\tO\n\n张\tB-PER\n三\tI-PER\n".write(toFile: dir + "/c.tsv", atomically: true, encoding: .utf8)
        let table = try Zhner.run(["eval", "--data", dir + "/c.tsv", "--model", Zhner.tinyModel])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("(2 sentences, 2 gold entities)"))
        #expect(table.stdout.contains("overall"))
        let json = try Zhner.run(["eval", "--data", dir + "/c.tsv", "--model", Zhner.tinyModel, "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(obj["sentences"] as? Int == 2)
        #expect((obj["overall"] as! [String: Any])["gold"] as? Int == 2)
        // The corpus named alone: the same scores.
        let alone = try JSONSerialization.jsonObject(with: Data(try Zhner.run(["eval", dir + "/c.tsv", "--model", Zhner.tinyModel, "--json"]).stdout.utf8)) as! [String: Any]
        for key in ["overall", "types"] { #expect(alone[key] as? NSDictionary == obj[key] as? NSDictionary) }
        #expect(try Zhner.run(["eval", "--model", Zhner.tinyModel]).stderr.contains("eval needs --data"))
        #expect(try Zhner.run(["eval", "--data", dir + "/c.tsv", "--map", "PER"]).status == 2)
        // A missing corpus is an I/O error worded as tag words a missing input.
        let missing = try Zhner.run(["eval", "--data", dir + "/missing.tsv", "--model", Zhner.tinyModel])
        #expect(missing.status == 74)
        #expect(missing.stderr.contains("cannot open \(dir)/missing.tsv: No such file or directory"), "\(missing.stderr)")
    }

    @Test func isaCanBeForcedAndIsValidated() throws {
        let bad = try Zhner.run(["info", Zhner.tinyModel], environment: ["ZHNER_ISA": "sse9"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("ZHNER_ISA=sse9"))
        let scalar = try Zhner.run(["info", Zhner.tinyModel], environment: ["ZHNER_ISA": "scalar"])
        #expect(scalar.stdout.contains("ISA:          scalar"))
    }
}
