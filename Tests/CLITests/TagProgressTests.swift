import Foundation
import Testing
import ZhnerTestSupport

/// The progress line: on a terminal by default, never on a pipe unless asked for.
struct TagProgressTests {
    /// Runs `zhner` with stdin, stdout and stderr on a pseudo-terminal (util-linux `script`), the
    /// way an interactive shell runs it; returns what the terminal showed.
    static func runOnTerminal(_ args: [String]) throws -> (status: Int32, screen: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([Zhner.binary] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // -e: exit with the command's status; the typescript itself is discarded.
        p.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        env["ZHNER_MODEL"] = nil
        p.environment = env
        let output = Pipe()
        p.standardOutput = output
        p.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try p.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    static func input(lines: Int) throws -> (URL, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-progress-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let text = (0..<lines).map { "第\($0)句：王伟在北京工作。" }.joined(separator: "\n") + "\n"
        let file = dir.appendingPathComponent("in.txt")
        try Data(text.utf8).write(to: file)
        return (dir, file)
    }

    @Test func terminalShowsBarWithPercentRateAndETA() throws {
        let (dir, file) = try Self.input(lines: 200)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.jsonl")
        let r = try Self.runOnTerminal(["tag", "--model", Zhner.tinyModel, "--input", file.path, "--output", out.path])
        #expect(r.status == 0, "\(r.screen)")
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        // The last redraw: the whole file done.
        #expect(r.screen.contains("zhner tag [########################] 100.0%"), "\(r.screen)")
        #expect(r.screen.contains("200 lines,"), "\(r.screen)")
        #expect(r.screen.contains("lines/s"))
        #expect(r.screen.contains("ETA 0:00"))
        #expect(r.screen.contains("\(size) B/\(size) B") || r.screen.contains("/\(String(format: "%.1f", Double(size) / 1000)) KB"), "\(r.screen)")
        // The records are unaffected.
        #expect(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count == 200)
    }

    @Test func terminalWithoutKnownSizeShowsCountsOnly() throws {
        let (dir, file) = try Self.input(lines: 50)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A pipe as input: no size, so no bar and no ETA.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "cat '\(file.path)' | script -q -e -c \"'\(Zhner.binary)' tag --model '\(Zhner.tinyModel)' --output /dev/null\" /dev/null"]
        let output = Pipe()
        p.standardOutput = output
        try p.run()
        let screen = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(screen.contains("zhner tag: 50 lines,"), "\(screen)")
        #expect(!screen.contains("ETA"))
    }

    @Test func noProgressOnTerminalWhenTurnedOff() throws {
        let (dir, file) = try Self.input(lines: 20)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.runOnTerminal(["tag", "--model", Zhner.tinyModel, "--input", file.path, "--output", "/dev/null", "--no-progress"])
        #expect(r.status == 0)
        #expect(!r.screen.contains("zhner tag"), "\(r.screen)")
        // Records printed on the terminal itself: no progress line to garble them.
        let shown = try Self.runOnTerminal(["tag", "--model", Zhner.tinyModel, "--input", file.path])
        #expect(shown.status == 0)
        #expect(shown.screen.contains("{\"text\": \"第19句"), "\(shown.screen)")
        #expect(!shown.screen.contains("zhner tag"), "\(shown.screen)")
    }

    @Test func pipeGetsNoProgressUnlessAsked() throws {
        let (dir, file) = try Self.input(lines: 20)
        defer { try? FileManager.default.removeItem(at: dir) }
        let quiet = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--input", file.path])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        let asked = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--input", file.path, "--progress"])
        #expect(asked.status == 0)
        #expect(asked.stderr.contains("100.0%"), "\(asked.stderr)")
        #expect(asked.stdout == quiet.stdout)
        let both = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--progress", "--no-progress"])
        #expect(both.status == 2)
    }
}
