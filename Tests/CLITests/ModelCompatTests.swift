import Foundation
import Testing
import ZhnerTestSupport

/// Checkpoints from the HF ecosystem (fixtures in Tests/compat/, made by
/// tools/fixtures/make_compat_fixtures.py with transformers and PyTorch themselves).
struct ModelCompatTests {
    static let compat = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../compat").standardized.path

    static func golden(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: compat + "/" + name))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])["cases"] as! [[String: Any]]
    }

    /// A BertForTokenClassification saved by transformers 5's save_pretrained (safetensors, and
    /// tokenizer.json without vocab.txt) loads as it is and gives the pipeline's own output.
    @Test func transformersSavedFolderMatchesThePipeline() throws {
        let model = Self.compat + "/hf-random-bert"
        #expect(!FileManager.default.fileExists(atPath: model + "/vocab.txt"))
        let cases = try Self.golden("hf-random-bert.golden.json")
        let r = try Zhner.run(["tag", "--model", model, "--format", "hf"],
                                 stdin: Data(cases.map { $0["text"] as! String }.joined(separator: "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        try #require(lines.count == cases.count)
        for (c, line) in zip(cases, lines) {
            let got = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [[String: Any]]
            let want = c["pipeline_simple"] as! [[String: Any]]
            #expect(got.map { "\($0["entity_group"]!) \($0["word"]!) \($0["start"]!)-\($0["end"]!)" }
                == want.map { "\($0["entity_group"]!) \($0["word"]!) \($0["start"]!)-\($0["end"]!)" }, "\(c["text"]!)")
            for (g, w) in zip(got, want) {
                #expect(abs((g["score"] as! NSNumber).doubleValue - (w["score"] as! NSNumber).doubleValue) < 1e-4)
            }
        }
    }

    /// A RaNER (ModelScope transformer-crf) checkpoint converted by tools/convert/raner_to_zhner.py
    /// tags as the original PyTorch module with its CRF does.
    @Test func convertedRaNERCheckpointMatchesPyTorchTags() throws {
        let model = Self.compat + "/raner-zhner"
        let info = try Zhner.run(["info", model])
        #expect(info.stdout.contains("+ CRF"), "\(info.stdout)")
        let cases = try Self.golden("raner.golden.json")
        let r = try Zhner.run(["tag", "--model", model],
                                 stdin: Data(cases.map { $0["text"] as! String }.joined(separator: "\n").utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        try #require(lines.count == cases.count)
        var total = 0
        for (c, line) in zip(cases, lines) {
            let got = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["entities"] as! [[String: Any]]
            let want = c["entities"] as! [[Any]]
            #expect(got.map { "\($0["type"]!)@\($0["start"]!)-\($0["end"]!)" } == want.map { "\($0[0])@\($0[1])-\($0[2])" },
                    "\(c["text"]!)")
            total += want.count
        }
        #expect(total >= 30)
    }

    /// Only pytorch_model.bin: exit 66 with the one-line conversion to run.
    @Test func pytorchBinOnlyNamesTheConversion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-bin-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for f in ["config.json", "tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(atPath: Self.compat + "/hf-random-bert/" + f, toPath: dir + "/" + f)
        }
        try Data("not read".utf8).write(to: URL(fileURLWithPath: dir + "/pytorch_model.bin"))
        let r = try Zhner.run(["tag", "--model", dir], stdin: Data("北京".utf8))
        #expect(r.status == 66)
        #expect(r.stderr.contains("\(dir) has only pytorch_model.bin; zhner reads safetensors"), "\(r.stderr)")
        #expect(r.stderr.contains("s.save_file({k: v.contiguous() for k, v in torch.load('\(dir)/pytorch_model.bin').items()}, '\(dir)/model.safetensors')"))
        // Neither weights file: a different, plain message.
        try FileManager.default.removeItem(atPath: dir + "/pytorch_model.bin")
        let none = try Zhner.run(["tag", "--model", dir], stdin: Data("北京".utf8))
        #expect(none.status == 66)
        #expect(none.stderr.contains("has no model.safetensors"))
    }
}
