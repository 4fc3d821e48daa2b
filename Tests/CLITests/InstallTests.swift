import Foundation
import Testing
import ZhnerTestSupport

/// The default model is found wherever the binary is put: `make install`'s layout, a model beside
/// a copied binary; with none reachable, every command says so with exit 66. Each run starts in a
/// temporary folder outside the repository, without ZHNER_MODEL.
struct InstallTests {
    static let text = Data("张伟在北京工作。".utf8)

    @Test func makeInstallWorksFromAnyFolder() throws {
        let prefix = try Zhner.scratchDirectory("zhner-prefix")
        let elsewhere = try Zhner.scratchDirectory("zhner-cwd")
        defer {
            try? FileManager.default.removeItem(atPath: prefix)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        // ZHNER_BIN: the binary under test rather than a release build.
        let make = try Zhner.run(["-C", Zhner.repository, "install", "PREFIX=\(prefix)", "ZHNER_BIN=\(Zhner.binary)"],
                                 executable: "/usr/bin/make")
        #expect(make.status == 0, "\(make.stderr)")
        let installed = prefix + "/bin/zhner"
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        #expect(FileManager.default.fileExists(atPath: prefix + "/share/zhner/models/default/config.json"))
        let tag = try Zhner.run(["tag"], stdin: Self.text, executable: installed, directory: elsewhere)
        #expect(tag.status == 0, "\(tag.stderr)")
        #expect(tag.stdout.contains("{\"type\": \"PER\", \"start\": 0, \"end\": 2, \"text\": \"张伟\""), "\(tag.stdout)")
        let info = try Zhner.run(["info"], executable: installed, directory: elsewhere)
        #expect(info.stdout.contains("model:        \(prefix)/share/zhner/models/default"), "\(info.stdout)")
        // Through a symbolic link on the PATH too: the executable's real path counts.
        try FileManager.default.createSymbolicLink(atPath: elsewhere + "/zhner", withDestinationPath: installed)
        let linked = try Zhner.run(["tag"], stdin: Self.text, executable: elsewhere + "/zhner", directory: prefix)
        #expect(linked.stdout == tag.stdout, "\(linked.stderr)")
    }

    @Test func copiedBinaryFindsOnlyAModelItCanReach() throws {
        let dir = try Zhner.scratchDirectory("zhner-copy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        let copy = dir + "/bin/zhner"
        try fm.copyItem(atPath: Zhner.binary, toPath: copy)
        // Away from the checkout it was built in, with no model beside it.
        let corpus = dir + "/corpus.tsv"
        try "北\tB-LOC\n京\tI-LOC\n".write(toFile: corpus, atomically: true, encoding: .utf8)
        for args in [["tag"], ["info"], ["eval", "--data", corpus], ["serve", "--port", "0"]] {
            let r = try Zhner.run(args, stdin: Self.text, executable: copy, directory: dir)
            #expect(r.status == 66, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("no model found; pass --model DIR or set ZHNER_MODEL (looked in \(dir)/bin/models/default"),
                    "\(r.stderr)")
        }
        // The install layout next to it: found.
        try fm.createDirectory(atPath: dir + "/share/zhner/models", withIntermediateDirectories: true)
        try fm.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/share/zhner/models/default")
        let installed = try Zhner.run(["tag"], stdin: Self.text, executable: copy, directory: dir)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.hasPrefix("{\"text\": \"张伟在北京工作。\""))
        // A model beside the binary comes first.
        try fm.copyItem(atPath: Zhner.tinyModel, toPath: dir + "/bin/models/default")
        let info = try Zhner.run(["info"], executable: copy, directory: "/")
        #expect(info.stdout.contains("model:        \(dir)/bin/models/default"), "\(info.stdout)")
    }

    @Test(arguments: [["tag"], ["info"], ["eval", "--data", "/dev/null"], ["serve", "--port", "0"]])
    func badOrMissingModelIsExit66(_ args: [String]) throws {
        let empty = try Zhner.scratchDirectory("zhner-empty-model")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        for model in ["/nonexistent/model", empty] {
            let flag = try Zhner.run(args + ["--model", model], stdin: Self.text)
            #expect(flag.status == 66, "\(args) --model \(model): \(flag.stderr)")
            let variable = try Zhner.run(args, stdin: Self.text, environment: ["ZHNER_MODEL": model])
            #expect(variable.status == 66, "\(args) ZHNER_MODEL=\(model): \(variable.stderr)")
            #expect(variable.stderr.contains(model), "\(variable.stderr)")
        }
    }
}
