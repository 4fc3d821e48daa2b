import Synchronization

/// What the API keeps about one request beside its transport (`Exchange`, which carries it as its
/// `context`): the route label, whether it was admitted, its size. Created by `Handlers` when the
/// headers are in; read when the exchange completes, for the access log and the metrics.
final class RequestContext: @unchecked Sendable {
    // Touched only on the polling thread (the handler's callbacks), so unguarded.
    /// Route label for the log and metrics.
    var route = "other"
    /// Its body went on to decoding and inference: if the client goes before the answer is
    /// complete, the request is logged and counted 499 (nginx's "client closed request"), never as
    /// the status it began with.
    var admitted = false
    /// It holds one of `--max-documents` places, given back when the exchange completes.
    var document = false
    /// A document's `Zhner-Options` header as sent (checked when the headers came, again with the body).
    var documentOptions: [UInt8]?

    /// Code points of the request's texts, for the log. Set by the thread that decodes the body
    /// (`DecodePool`), read when the exchange completes.
    var characters: Int {
        get { decodedCharacters.load(ordering: .relaxed) }
        set { decodedCharacters.store(newValue, ordering: .relaxed) }
    }
    private let decodedCharacters = Atomic<Int>(0)

    /// Bytes charged to the memory budget for this request, released when the exchange completes.
    /// Set on the polling thread (headers) and the decoding thread, read at completion.
    var charged: Int {
        get { memory.load(ordering: .relaxed) }
        set { memory.store(newValue, ordering: .relaxed) }
    }
    private let memory = Atomic<Int>(0)
}

extension Exchange {
    /// This request's `RequestContext` (`Handlers.headersReceived` sets it first).
    var request: RequestContext { context as! RequestContext }
}
