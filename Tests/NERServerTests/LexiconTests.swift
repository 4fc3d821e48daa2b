#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ZhnerTestSupport
@testable import NERServer
import Testing

/// `zhner serve --lexicon`: the same rule as the CLI on every route, and reloads on SIGHUP.
@Suite(.serialized) struct LexiconTests {
    static func entities(_ r: HTTPResult) throws -> [[String: Any]] { try r.json()["entities"] as! [[String: Any]] }

    /// SIGHUP, then waits (`poll`) until `done` holds.
    static func reload(_ server: ServerProcess, sourceLocation: SourceLocation = #_sourceLocation,
                       until done: () throws -> Bool) throws {
        kill(server.process.processIdentifier, SIGHUP)
        try poll(sourceLocation: sourceLocation, done)
    }

    @Test func lexiconAppliesEverywhereAndReloadsOnSIGHUP() throws {
        let lexicon = try ScratchFile("lexicon.tsv", contents: "北京工\tPLACE\n")
        defer { lexicon.remove() }
        let file = lexicon.path
        let server = try ServerProcess(["--lexicon", file])

        // The same entities as `zhner tag --lexicon` (the CLI is tested against the rule itself).
        let cli = try Zhner.run(["tag", "--model", Zhner.tinyModel, "--lexicon", file], stdin: Data((Texts.sentence + "\n" + Texts.long).utf8))
        let cliEntities = try cli.stdout.split(separator: "\n").map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["entities"] as! [Any]
        }
        let single = try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence]))
        #expect(single.status == 200)
        #expect(Texts.canonical(try Self.entities(single)) == Texts.canonical(cliEntities[0]))
        #expect(try Self.entities(single).contains { $0["text"] as? String == "北京工" && $0["source"] as? String == "lexicon" })
        let batch = try server.post("/v1/entities/batch", json: Texts.json(["texts": [Texts.sentence, Texts.long]]))
        let results = try batch.json()["results"] as! [[String: Any]]
        #expect(Texts.canonical(results.map { $0["entities"]! }) == Texts.canonical(cliEntities))
        // Streamed pieces add up to the whole answer, lexicon matches included.
        let stream = try server.post("/v1/entities/stream", json: Texts.json(["text": Texts.long]))
        let lines = try stream.text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count > 2)
        #expect(Texts.canonical(lines.compactMap { $0["entities"] as? [Any] }.flatMap { $0 }) == Texts.canonical(cliEntities[1]))
        // A lexicon type is a type requests may ask for.
        let only = try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence, "types": ["PLACE"]]))
        #expect(try Self.entities(only).map { $0["text"] as! String } == ["北京工"])
        #expect(try metric(server, "zhner_lexicon_entries") == 1)
        #expect(try metric(server, "zhner_lexicon_generation") == 1)

        // Rewritten file + SIGHUP: the new name is found.
        try "北京工\tPLACE\n# added\n张伟\tVIP\n".write(toFile: file, atomically: true, encoding: .utf8)
        try Self.reload(server) { try metric(server, "zhner_lexicon_generation") == 2 }
        #expect(try metric(server, "zhner_lexicon_entries") == 2)
        let after = try Self.entities(try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence])))
        #expect(after.contains { $0["text"] as? String == "张伟" && $0["type"] as? String == "VIP" && $0["source"] as? String == "lexicon" })

        // A bad file: the old lexicon stays, the failure is logged and counted.
        try "张伟\tVIP\n只有一列\n".write(toFile: file, atomically: true, encoding: .utf8)
        try Self.reload(server) { try metric(server, "zhner_lexicon_reload_failures_total") == 1 }
        #expect(try metric(server, "zhner_lexicon_generation") == 2)
        let kept = try Self.entities(try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence])))
        #expect(Texts.canonical(kept) == Texts.canonical(after))
        #expect(server.stderr.contains("\"event\": \"lexicon_reload_failed\""))
        #expect(server.stderr.contains("line 2: expected"))
        #expect(server.terminate() == 0)
    }

    @Test func withoutLexiconSIGHUPChangesNothing() throws {
        let server = try ServerProcess()
        let before = try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence]))
        #expect(try metric(server, "zhner_lexicon_generation") == nil)
        kill(server.process.processIdentifier, SIGHUP)
        var logged = false
        for _ in 0..<600 where !logged {
            logged = server.stderr.contains("lexicon_reload_skipped")
            if !logged { usleep(100_000) }
        }
        #expect(logged)
        let after = try server.post("/v1/entities", json: Texts.json(["text": Texts.sentence]))
        #expect(Texts.canonical(try Self.entities(after)) == Texts.canonical(try Self.entities(before)))
        #expect(server.terminate() == 0)
    }

    @Test func badLexiconStopsStart() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-bad-\(UUID()).tsv").path
        try "北京\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try Zhner.run(["serve", "--model", Zhner.tinyModel, "--port", "0", "--lexicon", file])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(file) line 1: expected \"text<TAB>TYPE\""), "\(r.stderr)")
    }
}
