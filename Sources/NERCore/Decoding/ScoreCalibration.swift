import Foundation

/// Maps a model's raw entity score (the mean of its labels' probabilities) to how often an entity
/// like it is right, from a table fitted on dev data (`tools/calibrate/fit.py`, stored in the
/// model's config.json as `"score_calibration"`). CRF marginals of a confident model sit at
/// 0.999 even on entities that are wrong on informal text; after the map a threshold of 0.8 keeps
/// entities that are right about 80 % of the time.
///
/// `{"method": "isotonic", "types": {"PER": {"x": [...], "y": [...]}, ...}, "default": {...}}`: per
/// entity type a non-decreasing piecewise-linear map through the points (x ascending in [0, 1], y in
/// [0, 1]), flat beyond the ends; a type without a table uses `default`, else keeps its raw score.
struct ScoreCalibration: Sendable, Equatable {
    struct Curve: Sendable, Equatable {
        let x: [Float]
        let y: [Float]

        func callAsFunction(_ s: Float) -> Float {
            guard s > x[0] else { return y[0] }
            guard s < x[x.count - 1] else { return y[y.count - 1] }
            var hi = 1
            while x[hi] < s { hi += 1 }
            let lo = hi - 1
            let span = x[hi] - x[lo]
            return span > 0 ? y[lo] + (y[hi] - y[lo]) * (s - x[lo]) / span : y[hi]
        }
    }

    let types: [String: Curve]
    let fallback: Curve?

    func apply(type: String, score: Float) -> Float {
        guard let curve = types[type] ?? fallback else { return score }
        return curve(score)
    }

    /// The calibration of the config.json at `path`, or nil when it has none.
    static func load(configPath path: String) throws -> ScoreCalibration? {
        let file = try JSONObjectFile(path: path)
        guard let raw = file.object["score_calibration"] else { return nil }
        func bad(_ why: String) -> NERError { .modelFile(path, "score_calibration: \(why)") }
        guard let spec = raw as? [String: Any], spec["method"] as? String == "isotonic" else {
            throw bad("must be an object with \"method\": \"isotonic\"")
        }
        func curve(_ value: Any?, _ name: String) throws -> Curve? {
            guard let value else { return nil }
            guard let o = value as? [String: Any], let xs = o["x"] as? [Any], let ys = o["y"] as? [Any] else {
                throw bad("\(name) must have arrays \"x\" and \"y\"")
            }
            let x = xs.compactMap { JSONValue.number($0)?.floatValue }
            let y = ys.compactMap { JSONValue.number($0)?.floatValue }
            guard !x.isEmpty, x.count == xs.count, y.count == ys.count, x.count == y.count,
                  zip(x, x.dropFirst()).allSatisfy({ $0 <= $1 }), zip(y, y.dropFirst()).allSatisfy({ $0 <= $1 }),
                  (x + y).allSatisfy({ $0 >= 0 && $0 <= 1 })
            else { throw bad("\(name): x and y must be equally long, non-decreasing numbers in [0, 1]") }
            return Curve(x: x, y: y)
        }
        var types: [String: Curve] = [:]
        for (type, value) in spec["types"] as? [String: Any] ?? [:] { types[type] = try curve(value, type) }
        return ScoreCalibration(types: types, fallback: try curve(spec["default"], "default"))
    }
}
