import Foundation
import Testing
@testable import NERCore

/// The engine's score calibration against golden values that tools/calibrate/fit.py writes
/// (Fixtures/calibration/golden.json, `--golden`): the fitter and the engine must compute the same
/// probability, or the ECE the fitter reports is not the engine's.
struct ScoreCalibrationTests {
    static func golden() throws -> [String: Any] { try Fixtures.json("calibration/golden.json") }

    static var defaultModel: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/default").path
    }

    /// Synthetic cases (made-up texts, detector scores drawn at random, raw scores from 0.31 to 1,
    /// a type the calibration has no weight for, no detector decision) through the shipped calibration.
    @Test func logisticMatchesTheFitter() throws {
        let g = try Self.golden()
        let calibration = try ScoreCalibration.parse(g["score_calibration"]!, path: "golden.json")
        #expect(calibration.needsContext)
        let names = g["corpus_names"] as! [String]
        let cases = g["cases"] as! [[String: Any]]
        #expect(cases.count >= 20)
        for c in cases {
            let scores = (c["corpus_scores"] as? [Any])?.map { Float(JSONValue.number($0)!.doubleValue) }
            let guess = CorpusGuess(id: 0, scores: scores, names: names)
            let text = Array((c["text"] as! String).unicodeScalars)
            let context = calibration.context(of: text, corpus: guess)
            let raw = Float(JSONValue.number(c["raw"]!)!.doubleValue)
            let got = calibration.apply(type: c["type"] as! String, score: raw, context: context)
            let expected = JSONValue.number(c["expected"]!)!.doubleValue
            // Float output of a Double computation: one float32 ulp and then some.
            #expect(abs(Double(got) - expected) < 1e-6, "\(c)")
        }
    }

    /// The default model end to end: made-up texts tagged by the engine give the entities and the
    /// calibrated scores fit.py computed from the engine's raw scores and its own corpus detector.
    @Test func defaultModelScoresMatchTheFitter() throws {
        let g = try Self.golden()
        let recognizer = try Recognizer(modelDirectory: Self.defaultModel)
        for item in g["default_model"] as! [[String: Any]] {
            let text = item["text"] as! String
            let expected = item["entities"] as! [[String: Any]]
            let got = recognizer.recognize(text).filter { $0.source == .model }
            #expect(got.map { "\($0.type)\($0.start)-\($0.end)" }
                    == expected.map { "\($0["type"]!)\($0["start"]!)-\($0["end"]!)" }, "\(text)")
            for (e, x) in zip(got, expected) {
                #expect(abs(Double(e.score) - JSONValue.number(x["score"]!)!.doubleValue) < 1e-6, "\(text) \(e)")
            }
        }
    }

    /// The default model ships the logistic calibration, which reads the text around an entity.
    @Test func defaultModelCalibrationIsTheLogisticOne() throws {
        let calibration = try #require(try ScoreCalibration.load(configPath: Self.defaultModel + "/config.json"))
        #expect(calibration.needsContext)
    }

    /// Configs fitted before version 2 keep working: per-type isotonic maps of the raw score alone.
    @Test func isotonicStillLoads() throws {
        let spec: [String: Any] = ["method": "isotonic",
                                   "types": ["PER": ["x": [0.5, 0.9, 1.0], "y": [0.1, 0.5, 0.9]]],
                                   "default": ["x": [0.0, 1.0], "y": [0.2, 0.8]]]
        let c = try ScoreCalibration.parse(spec, path: "config.json")
        #expect(!c.needsContext)
        #expect(c.context(of: Array("王芳".unicodeScalars), corpus: CorpusGuess()) == nil)
        #expect(abs(c.apply(type: "PER", score: 0.7) - 0.3) < 1e-6)
        #expect(c.apply(type: "PER", score: 0.2) == 0.1)
        #expect(abs(c.apply(type: "LOC", score: 0.5) - 0.5) < 1e-6)
    }

    /// A logistic calibration of another version, or with a weight missing, is refused (the model
    /// does not load) rather than computed differently from the fitter.
    @Test func unknownVersionsAndMissingWeightsAreRefused() throws {
        var spec = try Self.golden()["score_calibration"] as! [String: Any]
        spec["version"] = 3
        #expect(throws: NERError.self) { try ScoreCalibration.parse(spec, path: "config.json") }
        spec["version"] = 2
        var weights = spec["weights"] as! [String: Any]
        weights.removeValue(forKey: "latin_share")
        spec["weights"] = weights
        #expect(throws: NERError.self) { try ScoreCalibration.parse(spec, path: "config.json") }
        #expect(throws: NERError.self) { try ScoreCalibration.parse(["method": "platt"], path: "config.json") }
    }

    /// The text context: trailing White_Space is left out of the length, the final mark and the
    /// Latin share; the detector's scores become probabilities at the calibration's temperature.
    @Test func context() throws {
        let calibration = try ScoreCalibration.parse(try Self.golden()["score_calibration"]!, path: "golden.json")
        let text = Array("ab12中文。\u{3000} \n".unicodeScalars)
        let c = try #require(calibration.context(of: text, corpus: CorpusGuess(id: 1, scores: [10, 0], names: ["x", "y"])))
        #expect(c.finalPunctuation == 1)
        #expect(abs(c.latinShare - 4.0 / 7.0) < 1e-12)
        #expect(c.logLength == log(8.0))  // 7 code points, clamped up to the range's 8
        let temperature = JSONValue.number((try Self.golden()["score_calibration"] as! [String: Any])["corpus_temperature"]!)!.doubleValue
        let t = 10.0 / temperature
        #expect(abs(c.corpusProbabilities["x"]! - exp(t) / (exp(t) + 1)) < 1e-12)
        let none = try #require(calibration.context(of: text, corpus: CorpusGuess()))
        #expect(none.corpusProbabilities.isEmpty)
    }
}
