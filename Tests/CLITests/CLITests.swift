import Foundation
import Testing

/// The `zhner` binary, run as a user would run it.
struct CLITests {
    /// The test runner and the `zhner` executable are built into the same directory.
    static let binary: String = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("zhner").path

    static let tinyModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../NERCoreTests/Fixtures/models/tiny-bert").standardized.path

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ args: [String], stdin: Data = Data(), environment: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["ZHNER_MODEL"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        // Files rather than pipes for stdin/stderr: no extra threads, no pipe-buffer deadlocks.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-run-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("stdin")
        let errURL = scratch.appendingPathComponent("stderr")
        try stdin.write(to: inURL)
        try Data().write(to: errURL)
        let output = Pipe()
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = output
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    @Test(arguments: [[], ["--help"], ["tag", "--help"], ["quantize", "--help"], ["info", "--help"], ["eval", "--help"], ["help", "tag"]])
    func helpIsAvailable(_ args: [String]) throws {
        let r = try Self.run(args)
        #expect(r.stdout.contains("Usage"))
        #expect(r.status == (args.isEmpty ? 2 : 0))
    }

    @Test func tagWritesOneRecordPerLineInOrder() throws {
        let lines = ["张伟在北京工作。", "", "   ", "联合国秘书长访问上海", "emoji 😀 和 \"引号\"\t制表"]
        let r = try Self.run(["tag", "--model", Self.tinyModel, "--batch", "2", "--threads", "2"],
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
        let r = try Self.run(["tag", "--model", Self.tinyModel, "--format", "conll"], stdin: Data("北京 欢迎你\n\n上海".utf8))
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
        let r = try Self.run(["tag", "--model", Self.tinyModel, "--input", dir + "/in.txt", "--output", dir + "/out.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = try String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)
        #expect(out.split(separator: "\n").count == 3)
        #expect(out.contains("\"text\": \"北京\","))
    }

    @Test func badInputIsAClearError() throws {
        var bytes = Data("好的\n".utf8)
        bytes.append(contentsOf: [0xE4, 0xB8, 0x41, 0x0A])
        let r = try Self.run(["tag", "--model", Self.tinyModel], stdin: bytes)
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 2 is not valid UTF-8"))
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
        (["tag", "--input", "/nonexistent/file"], Int32(74), "cannot open"),
    ])
    func usageErrors(_ args: [String], _ status: Int32, _ message: String) throws {
        let r = try Self.run(args.count > 1 && args[1] == "--input" ? ["tag", "--model", Self.tinyModel] + args.dropFirst() : args)
        #expect(r.status == status, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func quantizeThenInfoThenTag() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-q-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let q = try Self.run(["quantize", Self.tinyModel, dir])
        #expect(q.status == 0, "\(q.stderr)")
        #expect(try Self.run(["quantize", Self.tinyModel, dir]).status == 2)
        let info = try Self.run(["info", dir])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("INT8 (zhner-int8-v1, from F32)"))
        #expect(info.stdout.contains("2 layers, hidden 64"))
        #expect(info.stdout.contains("labels:       7"))
        let tag = try Self.run(["tag"], stdin: Data("北京欢迎你".utf8), environment: ["ZHNER_MODEL": dir])
        #expect(tag.status == 0, "\(tag.stderr)")
        #expect(tag.stdout.hasPrefix("{\"text\": \"北京欢迎你\""))
    }

    @Test func evalScoresACorpus() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-eval-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "北\tB-LOC\n京\tI-LOC\n欢\tO\n迎\tO\n\n张\tB-PER\n三\tI-PER\n".write(toFile: dir + "/c.tsv", atomically: true, encoding: .utf8)
        let table = try Self.run(["eval", "--data", dir + "/c.tsv", "--model", Self.tinyModel])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("(2 sentences, 2 gold entities)"))
        #expect(table.stdout.contains("overall"))
        let json = try Self.run(["eval", "--data", dir + "/c.tsv", "--model", Self.tinyModel, "--json"])
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(obj["sentences"] as? Int == 2)
        #expect((obj["overall"] as! [String: Any])["gold"] as? Int == 2)
        #expect(try Self.run(["eval", "--model", Self.tinyModel]).stderr.contains("eval needs --data"))
        #expect(try Self.run(["eval", "--data", dir + "/c.tsv", "--map", "PER"]).status == 2)
        #expect(try Self.run(["eval", "--data", dir + "/missing.tsv", "--model", Self.tinyModel]).status == 65)
    }

    @Test func isaCanBeForcedAndIsValidated() throws {
        let bad = try Self.run(["info", Self.tinyModel], environment: ["ZHNER_ISA": "sse9"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("ZHNER_ISA=sse9"))
        let scalar = try Self.run(["info", Self.tinyModel], environment: ["ZHNER_ISA": "scalar"])
        #expect(scalar.stdout.contains("ISA:          scalar"))
    }
}
