import NERCore

/// An error answer: `{"error": {"code": ..., "message": ...}}` with the status a client acts on.
struct APIError: Error, Sendable {
    let status: Int
    /// Stable, machine-readable (`invalid_json`, `queue_full`, ...).
    let code: String
    /// Says what is wrong and what to change; never echoes a key or the request's text.
    let message: String
    var headers: [(name: String, value: String)] = []

    var response: HTTPResponse {
        var body = "{\"error\": {\"code\": "
        JSONWriter.appendString(code, to: &body)
        body += ", \"message\": "
        JSONWriter.appendString(message, to: &body)
        body += "}}"
        return .json(status, body, headers: headers)
    }

    static func badRequest(_ code: String, _ message: String) -> APIError {
        APIError(status: 400, code: code, message: message)
    }

    static func tooLarge(_ code: String, _ message: String) -> APIError {
        APIError(status: 413, code: code, message: message)
    }

    /// 503 with `Retry-After`: the client should come back, not give up.
    static func unavailable(_ code: String, _ message: String) -> APIError {
        APIError(status: 503, code: code, message: message, headers: [("Retry-After", "1")])
    }
}
