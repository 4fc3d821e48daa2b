import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import ZhnerTestSupport

/// Targets that would destroy data or lose output: refused, or an error, never exit 0 (found by a
/// hostile pass over the CLI, session 11).
@Suite struct DestructiveTargetsTests {
    /// Opening the output truncates it, so the input as output (under any name) lost every line.
    @Test func inputAsOutputIsRefused() throws {
        let dir = try Zhner.scratchDirectory("zhner-same")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.txt", text = "张伟在北京工作。\n李娜访问上海。\n"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: input)
        for command in ["tag", "redact"] {
            for output in [input, dir + "/./in.txt", dir + "/link.txt"] {
                let r = try Zhner.run([command, "--model", Zhner.tinyModel, input, "--output", output])
                #expect(r.status == 2 && r.stderr.contains("is the input file"), "\(command) → \(output): \(r.stderr)")
                #expect(try String(contentsOfFile: input, encoding: .utf8) == text)
            }
        }
    }

    /// `--force` replaces OUT_DIR's files: with OUT_DIR another name for IN_DIR that deleted the model.
    @Test func quantizeNeverReplacesItsInput() throws {
        let dir = try Zhner.scratchDirectory("zhner-q-same")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/m")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/m")
        try FileManager.default.createDirectory(atPath: dir + "/x", withIntermediateDirectories: true)
        for output in [dir + "/link", dir + "/x/../m", "../" + URL(fileURLWithPath: dir).lastPathComponent + "/m"] {
            let r = try Zhner.run(["quantize", dir + "/m", output, "--force"], directory: dir)
            #expect(r.status == 2 && r.stderr.contains("OUT_DIR must differ from IN_DIR"), "\(output): \(r.stderr)")
        }
        #expect(try Zhner.run(["tag", "--model", dir + "/m"], stdin: Data("北京".utf8)).status == 0)
    }

    /// quantize copies, deletes and overwrites what a config's "files" map names under OUT_DIR.
    @Test(arguments: ["../victim.txt", "..", ".", "/tmp/victim.txt", "a//b", "sub/../../victim.txt"])
    func declaredFilesStayInsideTheModel(_ path: String) throws {
        let dir = try Zhner.scratchDirectory("zhner-q-files")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/in")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/in/config.json"))) as! [String: Any]
        config["files"] = ["table": path]
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/in/config.json"))
        try Data("victim".utf8).write(to: URL(fileURLWithPath: dir + "/victim.txt"))
        let r = try Zhner.run(["quantize", dir + "/in", dir + "/out/m"])
        #expect(r.status == 66 && r.stderr.contains("\"table\" must be a relative path inside the model folder"), "\(r.stderr)")
        #expect(try String(contentsOfFile: dir + "/victim.txt", encoding: .utf8) == "victim")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    /// Commands that print their result: a full disk or a closed stdout is exit 74, as for tag.
    @Test(arguments: [["eval", "CORPUS", "--json"], ["info", "MODEL"], ["version"]])
    func unwritableStdoutIsAnIOError(_ args: [String]) throws {
        let dir = try Zhner.scratchDirectory("zhner-full")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "北\tB-LOC\n京\tI-LOC\n".write(toFile: dir + "/c.tsv", atomically: true, encoding: .utf8)
        let argv = [Zhner.binary] + args.map { $0 == "CORPUS" ? dir + "/c.tsv" : $0 == "MODEL" ? Zhner.tinyModel : $0 }
            + (args[0] == "eval" ? ["--model", Zhner.tinyModel] : [])
        for redirect in ["> /dev/full", ">&-"] {
            let r = try Zhner.run(["-c", "\"$@\" " + redirect, "sh"] + argv, executable: "/bin/sh")
            #expect(r.status == 74 && r.stderr.contains("cannot write stdout"), "\(args) \(redirect): \(r.status) \(r.stderr)")
        }
    }
}

/// A model file that is a folder or a FIFO is named as such (exit 66), never read: Foundation's
/// "NSCocoaErrorDomain error 256" and "You don't have permission" said nothing useful, and a FIFO
/// would block the reader.
@Test(arguments: [("vocab.txt", "folder"), ("config.json", "folder"), ("vocab.txt", "fifo")])
func modelFilesThatAreNotFilesAreNamed(_ file: String, _ kind: String) throws {
    let dir = try Zhner.scratchDirectory("zhner-notfile")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/m")
    let path = dir + "/m/" + file
    try FileManager.default.removeItem(atPath: path)
    if kind == "folder" {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    } else {
        #expect(mkfifo(path, 0o644) == 0)
    }
    let r = try Zhner.run(["tag", "--model", dir + "/m"], stdin: Data("北京".utf8))
    let reason = kind == "folder" ? "it is a folder, not a file" : "not a regular file (a FIFO, socket or device)"
    #expect(r.status == 66 && r.stderr.contains(file) && r.stderr.contains(reason), "\(r.status) \(r.stderr)")
}

/// `id2label` with one id spelled twice ("6" and "06") left another id without a label, and loading
/// the model crashed (found by FuzzModelFiles): now a model error naming the field.
@Test(arguments: [["0": "O", "00": "B-PER"], ["0": "O", "+1": "B-PER", "1": "I-PER"]])
func id2labelWithAnIdTwiceIsAModelError(_ labels: [String: String]) throws {
    let dir = try Zhner.scratchDirectory("zhner-labels")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/m")
    var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/m/config.json"))) as! [String: Any]
    config["id2label"] = labels
    try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/m/config.json"))
    let r = try Zhner.run(["tag", "--model", dir + "/m"], stdin: Data("北京".utf8))
    #expect(r.status == 66 && r.stderr.contains("id2label must map"), "\(r.status) \(r.stderr)")
}
