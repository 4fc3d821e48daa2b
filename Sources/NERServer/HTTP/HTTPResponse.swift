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
