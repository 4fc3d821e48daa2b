import Foundation
import FuzzSupport
import NERCore
@testable import NERServer

// Request bodies of the inference routes, the redaction routes' included. Any bytes either decode into a request inside the limits
// or fail with a 400/413 whose body is valid JSON naming a code (messages quote field names from
// the input, so the JSON escaping is exercised too).

private let limits = RequestLimits(maxTextCharacters: 64, maxBatchTexts: 4, entityTypes: ["PER", "LOC", "ORG"])
private let key = try! RedactionKey(bytes: Array("fuzz".utf8))

private func check(_ decode: () throws(APIError) -> InferenceRequest, batch: Bool) {
    do {
        let r = try decode()
        invariant(batch || r.texts.count == 1, "a single request with \(r.texts.count) texts")
        invariant(r.texts.count <= limits.maxBatchTexts, "\(r.texts.count) texts over the limit")
        invariant(r.texts.allSatisfy { $0.unicodeScalars.count <= limits.maxTextCharacters }, "a text over the limit")
        invariant(r.characters == r.texts.reduce(0) { $0 + $1.unicodeScalars.count }, "characters miscounted")
        // the model's types, or pattern types (naming one turns its recognizer on)
        invariant(r.types.map { $0.isSubset(of: Set(limits.entityTypes).union(PatternRecognizer.allTypes)) } ?? true,
                  "an unknown type accepted")
    } catch {
        invariant(error.status == 400 || error.status == 413, "status \(error.status) for a bad body")
        let body = error.response.body
        let parsed = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        let inner = parsed?["error"] as? [String: Any]
        invariant((inner?["code"] as? String)?.isEmpty == false && inner?["message"] is String,
                  "error body is not {\"error\": {code, message}}: \(String(decoding: body, as: UTF8.self))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestDecoding(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    check({ () throws(APIError) in try RequestDecoding.single(body, limits: limits) }, batch: false)
    check({ () throws(APIError) in try RequestDecoding.batch(body, limits: limits) }, batch: true)
    // With and without a server key: `hash` is refused without one (key_required, a 400).
    for stream in [false, true] {
        for k in [key, nil] {
            check({ () throws(APIError) in try RedactionRequest(body, limits: limits, key: k, stream: stream).request }, batch: !stream)
        }
    }
    return 0
}
