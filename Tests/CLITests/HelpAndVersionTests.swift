import Foundation
import Testing
import ZhnerTestSupport

/// `zhner version` and what each command's `--help` promises.
struct HelpAndVersionTests {
    @Test func versionNamesReleaseCommitAndISA() throws {
        let long = try Zhner.run(["--version"])
        let short = try Zhner.run(["version"])
        #expect(long.status == 0 && short.status == 0)
        #expect(long.stdout == short.stdout)
        let lines = long.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 4, "\(long.stdout)")
        #expect(lines[0].wholeMatch(of: /zhner \d+\.\d+\.\d+/) != nil, "\(lines[0])")
        // A hash when `make build` stamped one; the tests' plain `swift build` says "unknown".
        #expect(lines[1].wholeMatch(of: /commit: ([0-9a-f]{7,40}|unknown)/) != nil, "\(lines[1])")
        #expect(lines[2].wholeMatch(of: /ISA:    (scalar|avx2|avx512) \(this CPU supports [a-z0-9, ]+\)/) != nil, "\(lines[2])")
        #expect(lines[3].isEmpty)
        let forced = try Zhner.run(["version"], environment: ["ZHNER_ISA": "scalar"])
        #expect(forced.stdout.contains("ISA:    scalar ("))
    }

    /// Each command's help names every ZHNER_ variable the command reads.
    @Test(arguments: [
        ("tag", ["ZHNER_MODEL", "ZHNER_LEXICON", "ZHNER_ISA"]),
        ("redact", ["ZHNER_MODEL", "ZHNER_LEXICON", "ZHNER_ISA", "ZHNER_REDACT_KEY", "ZHNER_REDACT_KEY_FILE"]),
        ("eval", ["ZHNER_MODEL", "ZHNER_ISA"]),
        ("info", ["ZHNER_MODEL", "ZHNER_ISA"]),
        ("version", ["ZHNER_ISA"]),
        ("serve", ["ZHNER_MODEL", "ZHNER_ISA", "ZHNER_LEXICON", "ZHNER_API_KEYS", "ZHNER_API_KEY_FILE", "ZHNER_HOST", "ZHNER_PORT",
                   "ZHNER_REDACT_KEY", "ZHNER_REDACT_KEY_FILE"]),
    ])
    func helpNamesTheVariablesItReads(_ command: String, _ variables: [String]) throws {
        let r = try Zhner.run([command, "--help"])
        #expect(r.status == 0)
        for v in variables { #expect(r.stdout.contains(v), "\(command) --help lacks \(v)") }
        if command != "version" {
            #expect(r.stdout.contains("../share/zhner/models/default"), "\(command) --help lacks the model search")
        }
    }

    @Test func redactIsListedWithItsOperators() throws {
        let top = try Zhner.run(["--help"])
        #expect(top.stdout.contains("\n  redact "))
        let r = try Zhner.run(["redact", "--help"])
        #expect(r.status == 0)
        for word in ["--operator", "replace[:template]", "mask[:keep_first[:keep_last[:mask_char]]]", "hash[:length]", "pseudonym", "keep",
                     "--key-file", "--with-originals", "docs/PRIVACY.md"] {
            #expect(r.stdout.contains(word), "zhner redact --help lacks \(word)")
        }
    }

    @Test func tagHelpPointsHFToBatchDocs() throws {
        let r = try Zhner.run(["tag", "--help"])
        #expect(r.stdout.contains("[{\"entity_group\", \"score\", \"word\", \"start\", \"end\"}] (docs/BATCH.md)"))
        #expect(!r.stdout.contains("API.md"))
    }
}
