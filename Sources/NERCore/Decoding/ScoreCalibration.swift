import Foundation

/// Maps a model's raw entity score (the mean of its labels' probabilities) to how often an entity
/// like it is right, from a calibration fitted on dev data (`tools/calibrate/fit.py`, stored in the
/// model's config.json as `"score_calibration"`). CRF marginals of a confident model sit at
/// 0.999 even on entities that are wrong on informal text; after the map a threshold of 0.8 keeps
/// entities that are right about 80 % of the time.
///
/// Two methods (docs/MODEL.md, "Scores as probabilities"):
///
/// - `{"method": "isotonic", "types": {"PER": {"x": [...], "y": [...]}, ...}, "default": {...}}`: per
///   entity type a non-decreasing piecewise-linear map through the points (x ascending in [0, 1], y in
///   [0, 1]), flat beyond the ends; a type without a table uses `default`, else keeps its raw score.
///   Reads the raw score alone, so it cannot tell a score on news from the same score on a Weibo post.
/// - `{"method": "logistic", "version": 2, ...}` (`Logistic`): a logistic regression over the raw
///   score's logit, the type, and what the engine knows of the whole text: the corpus detector's
///   scores (tools/train/domains.py), its length, whether it ends like a finished sentence and its
///   share of ASCII letters and digits. The same raw score means less on text unlike the news the
///   model mostly learned from, and the calibration can only say so if it sees what the text is like.
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

    /// What the logistic calibration reads of a whole text (one `zhner tag` line, one API text),
    /// computed once per text when it is prepared (`context(of:corpus:)`): every entity of the text
    /// shares it, as every window of it shares the detected corpus.
    struct Context: Sendable, Equatable {
        /// softmax(detector score / temperature) per corpus name; empty where the detector did not
        /// decide (too few known bigrams, or a model without one): every corpus term is then 0.
        var corpusProbabilities: [String: Double] = [:]
        /// ln(code points), clamped to the calibration's `length_range`.
        var logLength: Double = 0
        /// 1 when the last code point that is not White_Space is one of `final_punctuation`.
        var finalPunctuation: Double = 0
        /// ASCII letters and digits over all code points (trailing White_Space left out).
        var latinShare: Double = 0
    }

    /// p = sigmoid(w · f), all in Double (the fitter's float64), with
    /// f = [1, l, saturated, type one-hot, p_c, l·p_c for each corpus c, ln length, final punctuation,
    /// latin share], where raw is the score rounded to 4 decimals as printed, l = min(logit(clamp(raw,
    /// ε, 1 − ε)), logitCap) and saturated = 1 when logit(clamp(raw)) > saturatedLogit. The cap and
    /// the saturated flag split the raw scores printed as 1 (logit ≈ 13.8 after the clamp; the next,
    /// 0.9999, is 9.2) from the long tail below, which a single slope fits badly.
    struct Logistic: Sendable, Equatable {
        var epsilon: Double
        var logitCap: Double
        var saturatedLogit: Double
        var temperature: Double
        var lengthRange: ClosedRange<Double>
        var finalPunctuation: Set<Unicode.Scalar>
        var bias: Double
        var logit: Double
        var saturated: Double
        var type: [String: Double]
        var corpus: [String: Double]
        var logitCorpus: [String: Double]
        var logLength: Double
        var finalPunctuationWeight: Double
        var latinShare: Double

        func callAsFunction(type t: String, score: Float, context c: Context) -> Float {
            // The raw score as `zhner tag` prints it without a calibration (clamped, 4 decimals,
            // JSONWriter.score): what tools/calibrate/fit.py fitted on, so both compute the same
            // number. Beyond 0.9999 the digits it drops were never seen by the fit.
            let printed = (Double(probability(score)) * 10000).rounded() / 10000
            let p = min(max(printed, epsilon), 1 - epsilon)
            let z = log(p / (1 - p))
            let l = min(z, logitCap)
            var x = bias + logit * l + (z > saturatedLogit ? saturated : 0) + (type[t] ?? 0)
            for (name, q) in c.corpusProbabilities {
                x += (corpus[name] ?? 0) * q + (logitCorpus[name] ?? 0) * l * q
            }
            x += logLength * c.logLength + finalPunctuationWeight * c.finalPunctuation + latinShare * c.latinShare
            return Float(1 / (1 + exp(-x)))
        }

        func context(of shape: TextShape, corpus guess: CorpusGuess) -> Context {
            var c = Context()
            if let scores = guess.scores, scores.count == guess.names.count, !scores.isEmpty {
                let s = scores.map { Double($0) / temperature }
                let m = s.max()!
                let e = s.map { exp($0 - m) }
                let total = e.reduce(0, +)
                for (name, v) in zip(guess.names, e) { c.corpusProbabilities[name] = v / total }
            }
            let n = shape.trimmedCount
            c.logLength = min(max(log(Double(max(n, 1))), lengthRange.lowerBound), lengthRange.upperBound)
            c.finalPunctuation = shape.last.map(finalPunctuation.contains) == true ? 1 : 0
            c.latinShare = Double(shape.latin) / Double(max(n, 1))
            return c
        }
    }

    /// What the logistic calibration reads of a text's characters, summed part by part so that a
    /// text read in parts gets the whole text's numbers (`Recognizer.TextSummary`).
    struct TextShape: Sendable {
        /// Code points up to the last that is not White_Space.
        var trimmedCount = 0
        /// That last code point.
        var last: Unicode.Scalar?
        /// ASCII letters and digits (never White_Space, so all of them are before the trailing run).
        var latin = 0
        private var count = 0

        mutating func add(_ part: ArraySlice<Unicode.Scalar>) {
            for s in part {
                count += 1
                if !s.properties.isWhitespace {
                    trimmedCount = count
                    last = s
                }
                if s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)) { latin += 1 }
            }
        }
    }

    enum Method: Sendable, Equatable {
        case isotonic(types: [String: Curve], fallback: Curve?)
        case logistic(Logistic)
    }

    let method: Method

    /// Whether `apply` reads a text context (the logistic method): only then is one computed.
    var needsContext: Bool {
        if case .logistic = method { return true }
        return false
    }

    func apply(type: String, score: Float, context: Context? = nil) -> Float {
        switch method {
        case let .isotonic(types, fallback):
            guard let curve = types[type] ?? fallback else { return score }
            return curve(score)
        case let .logistic(model):
            return model(type: type, score: score, context: context ?? Context())
        }
    }

    /// The context `apply` reads for entities of this text (nil for the isotonic method).
    func context(of shape: TextShape, corpus guess: CorpusGuess) -> Context? {
        guard case let .logistic(model) = method else { return nil }
        return model.context(of: shape, corpus: guess)
    }

    /// The calibration of the config.json at `path`, or nil when it has none.
    static func load(configPath path: String) throws -> ScoreCalibration? {
        let file = try JSONObjectFile(path: path)
        guard let raw = file.object["score_calibration"] else { return nil }
        return try parse(raw, path: path)
    }

    static func parse(_ raw: Any, path: String) throws -> ScoreCalibration {
        func bad(_ why: String) -> NERError { .modelFile(path, "score_calibration: \(why)") }
        guard let spec = raw as? [String: Any] else { throw bad("must be an object") }
        switch spec["method"] as? String {
        case "isotonic":
            return ScoreCalibration(method: try isotonic(spec, bad))
        case "logistic":
            // Versioned: an engine that does not know a later feature set refuses it rather than
            // computing a different probability than the fitter did.
            guard JSONValue.number(spec["version"] as Any)?.intValue == 2 else {
                throw bad("logistic calibration version \(spec["version"] ?? "none") is not supported (this engine reads 2)")
            }
            return ScoreCalibration(method: .logistic(try logistic(spec, bad)))
        default:
            throw bad("\"method\" must be \"isotonic\" or \"logistic\"")
        }
    }

    private static func isotonic(_ spec: [String: Any], _ bad: (String) -> NERError) throws -> Method {
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
        return .isotonic(types: types, fallback: try curve(spec["default"], "default"))
    }

    private static func logistic(_ spec: [String: Any], _ bad: (String) -> NERError) throws -> Logistic {
        func number(_ o: [String: Any], _ key: String) throws -> Double {
            guard let v = o[key].flatMap({ JSONValue.number($0)?.doubleValue }), v.isFinite else {
                throw bad("\"\(key)\" must be a finite number")
            }
            return v
        }
        func table(_ o: [String: Any], _ key: String) throws -> [String: Double] {
            guard let t = o[key] as? [String: Any] else { throw bad("\"\(key)\" must be an object of numbers") }
            return try t.mapValues { v in
                guard let d = JSONValue.number(v)?.doubleValue, d.isFinite else { throw bad("\"\(key)\" must hold numbers") }
                return d
            }
        }
        guard let w = spec["weights"] as? [String: Any] else { throw bad("\"weights\" must be an object") }
        guard let range = spec["length_range"] as? [Any], range.count == 2,
              let lo = JSONValue.number(range[0])?.doubleValue, let hi = JSONValue.number(range[1])?.doubleValue,
              lo >= 1, lo <= hi
        else { throw bad("\"length_range\" must be [min, max] code points, 1 ≤ min ≤ max") }
        guard let final = spec["final_punctuation"] as? String else { throw bad("\"final_punctuation\" must be a string") }
        let epsilon = try number(spec, "epsilon")
        let temperature = try number(spec, "corpus_temperature")
        guard epsilon > 0, epsilon < 0.5, temperature > 0 else {
            throw bad("\"epsilon\" must be in (0, 0.5) and \"corpus_temperature\" positive")
        }
        return Logistic(
            epsilon: epsilon, logitCap: try number(spec, "logit_cap"), saturatedLogit: try number(spec, "saturated_logit"),
            temperature: temperature, lengthRange: log(lo)...log(hi), finalPunctuation: Set(final.unicodeScalars),
            bias: try number(w, "bias"), logit: try number(w, "logit"), saturated: try number(w, "saturated"),
            type: try table(w, "type"), corpus: try table(w, "corpus"), logitCorpus: try table(w, "logit_corpus"),
            logLength: try number(w, "log_length"), finalPunctuationWeight: try number(w, "final_punctuation"),
            latinShare: try number(w, "latin_share"))
    }
}
