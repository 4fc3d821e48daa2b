/// One complete HTTP response.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(status: Int, contentType: String?, body: some Sequence<UInt8>, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.headers = (contentType.map { [("Content-Type", $0)] } ?? []) + headers
        self.body = Array(body)
    }

    static func json(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body.utf8, headers: headers)
    }

    /// No body: preflights, HEAD-like answers.
    static func empty(_ status: Int, headers: [(name: String, value: String)]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: nil, body: [], headers: headers)
    }
}

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
