import NERCore
import Synchronization

/// The API: routing, admission (auth, content type, limits), inference through the scheduler,
/// and the small GET routes. Runs on the polling thread except for body decoding (`DecodePool`)
/// and the job closures, which run on workers.
final class APIHandler: HTTPHandler {
    /// What requests need from the loaded model.
    private struct Model: Sendable {
        let limits: RequestLimits
        let info: (name: String, architecture: String, isa: String, types: [String])
    }

    let config: ServerConfig
    private let auth: Auth
    private let cors: CORS
    let metrics: Metrics
    private let scheduler: Scheduler
    private let lexicons: LexiconStore
    let budget: MemoryBudget
    let decoders: DecodePool
    private let model = Mutex<Model?>(nil)
    private let draining = Atomic<Bool>(false)
    private let exchanges = Atomic<Int>(0)
    /// Documents from their headers until their exchange completes (`--max-documents`).
    let documents = Atomic<Int>(0)

    init(config: ServerConfig, metrics: Metrics, scheduler: Scheduler, lexicons: LexiconStore, budget: MemoryBudget) {
        self.config = config
        self.budget = budget
        self.lexicons = lexicons
        auth = Auth(keys: config.apiKeys, publicMetrics: config.publicMetrics)
        cors = CORS(origins: config.corsOrigins)
        self.metrics = metrics
        self.scheduler = scheduler
        decoders = DecodePool(threads: config.workers)
    }

    /// Requests received and not yet fully answered.
    var inflight: Int { exchanges.load(ordering: .relaxed) }

    /// The model is loaded and the workers run: inference routes open.
    func modelLoaded(_ r: Recognizer) {
        let types = r.entityTypes
        model.withLock {
            $0 = Model(limits: RequestLimits(maxTextCharacters: config.maxTextCharacters, maxBatchTexts: config.maxBatchTexts,
                                             entityTypes: types, patterns: config.patterns),
                       info: (config.modelName, r.architecture, r.isa.rawValue, types))
        }
    }

    /// From now on new requests are refused (503, connection closed); those in flight finish.
    func beginDraining() { draining.store(true, ordering: .relaxed) }

    func headersReceived(_ ex: Exchange) -> HTTPResponse? {
        exchanges.add(1, ordering: .relaxed)
        let routing = Routing(method: ex.method, path: ex.path, probesOnly: ex.probesOnly)
        let context = RequestContext()
        context.route = routing.label
        ex.context = context
        ex.extraHeaders = cors.headers(origin: ex.header("Origin"))
        let head = ex.headerBlock()
        if let e = RequestFraming.check(head, version: ex.version) { return e.response }
        if draining.load(ordering: .relaxed) {
            var e = APIError.unavailable("shutting_down", "the server is shutting down; retry on another instance")
            e.headers.append(("Connection", "close"))
            return e.response
        }
        switch routing {
        case .notFound:
            // The path is not echoed: clients put keys and tokens in paths, and an error must not
            // repeat a secret (nor reflect arbitrary bytes back).
            return APIError(status: 404, code: "not_found", message: "no such route; see /openapi.json for the routes").response
        case .methodNotAllowed(let route):
            return APIError(status: 405, code: "method_not_allowed", message: "\(route.rawValue) accepts \(route.allow)",
                            headers: [("Allow", route.allow)]).response
        case .options(let route):
            return cors.options(route: route, origin: ex.header("Origin"))
        case .handle(let route):
            if auth.isRequired(for: route), !auth.accepts(authorization: ex.header("Authorization")) {
                return APIError(status: 401, code: "unauthorized", message: "send a valid API key as Authorization: Bearer <key>",
                                headers: [("WWW-Authenticate", "Bearer")]).response
            }
            if route.isInference { return checkUpload(ex, route, head.lines) }
            return get(route)
        }
    }

    /// Refusals that need no body: wrong content type or coding, a repeated header that says how
    /// to read the body (libmicrohttpd reads only the first of repeated headers, which would let
    /// the second be ignored unseen), options where they do not apply, or a declared length over
    /// the limit.
    private func checkUpload(_ ex: Exchange, _ route: Route, _ lines: [RequestFraming.Line]) -> HTTPResponse? {
        for name in ["Content-Type", "Content-Encoding", Self.optionsHeader] where lines.filter({ $0.isNamed(name) }).count > 1 {
            return APIError.badRequest("duplicate_header", "send one \(name) header, not several").response
        }
        if let coding = ex.header("Content-Encoding"), coding.lowercased() != "identity" {
            return APIError(status: 415, code: "unsupported_content_encoding",
                            message: "send the body uncompressed (no Content-Encoding, or identity)",
                            headers: [("Accept-Encoding", "identity")]).response
        }
        let type = ex.header("Content-Type") ?? ""
        let document = route.takesDocuments && Self.isPlainText(type)
        // The header's own bytes: invalid UTF-8 in them is refused as in a body, not replaced.
        let options = lines.first { $0.isNamed(Self.optionsHeader) }?.value
        if !document, options != nil {
            return APIError.badRequest("misplaced_options", route.takesDocuments
                ? "the \(Self.optionsHeader) header goes with a text/plain document; with a JSON body put the options in the body"
                : "the \(Self.optionsHeader) header is for text/plain documents on the /stream routes; put the options in the JSON body").response
        }
        if document { return spoolDocument(ex, route, options: options) }
        guard Self.isJSON(type) else {
            return APIError(status: 415, code: "unsupported_media_type",
                            message: route.takesDocuments ? "send the body as Content-Type: application/json (UTF-8), or a document as text/plain; charset=utf-8"
                                                          : "send the body as Content-Type: application/json (UTF-8)").response
        }
        let declared = ex.header("Content-Length").flatMap(Int.init)
        if let declared, declared > config.maxBodyBytes { return bodyTooLarge().response }
        // A chunked body may grow to the limit: charged as if it will.
        return charge(ex, MemoryBudget.bodyCharge(declared ?? config.maxBodyBytes))?.response
    }

    /// Sets the request's charge to `bytes` (`MemoryBudget`); the error to answer when it does not fit.
    func charge(_ ex: Exchange, _ bytes: Int) -> APIError? {
        switch budget.recharge(from: ex.request.charged, to: bytes) {
        case .done:
            ex.request.charged = bytes
            return nil
        case .busy:
            metrics.recordOverBudget()
            return .unavailable("memory_budget", "requests in flight hold the memory this one needs (max-memory = \(budget.limit ?? 0) bytes); retry shortly")
        case .neverFits:
            metrics.recordOverBudget()
            return .tooLarge("over_memory_budget", "this request needs more memory than max-memory = \(budget.limit ?? 0) bytes leaves after the model; send fewer or shorter texts")
        }
    }

    /// `application/json`, optionally with `charset=utf-8`.
    static func isJSON(_ contentType: String) -> Bool { isMediaType(contentType, "application/json") }

    /// `text/plain`, optionally with `charset=utf-8`: a document for a streaming route.
    static func isPlainText(_ contentType: String) -> Bool { isMediaType(contentType, "text/plain") }

    private static func isMediaType(_ contentType: String, _ type: String) -> Bool {
        let parts = contentType.lowercased().split(separator: ";").map { $0.trimmingSpaces() }
        guard parts.first.map(String.init) == type else { return false }
        return parts.dropFirst().allSatisfy { !$0.hasPrefix("charset=") || $0 == "charset=utf-8" || $0 == "charset=\"utf-8\"" }
    }

    private func bodyTooLarge() -> APIError {
        .tooLarge("body_too_large", "the body is over max-body-bytes = \(config.maxBodyBytes) bytes; send fewer or shorter texts")
    }

    private func get(_ route: Route) -> HTTPResponse {
        switch route {
        case .page:
            return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: WebPage.html)
        case .pageScript:
            return HTTPResponse(status: 200, contentType: "text/javascript; charset=utf-8", body: WebPage.script)
        case .pageStyle:
            return HTTPResponse(status: 200, contentType: "text/css; charset=utf-8", body: WebPage.style)
        case .openapi:
            return HTTPResponse(status: 200, contentType: "application/json", body: OpenAPI.spec)
        case .healthz:
            return .json(200, "{\"status\": \"ok\"}")
        case .readyz:
            if let e = notReady() { return e.response }
            return .json(200, "{\"status\": \"ready\"}")
        case .metrics:
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                                body: metrics.render(gauges()).utf8)
        case .entities, .batch, .stream, .redact, .redactStream:
            preconditionFailure("inference routes are answered in bodyReceived")
        }
    }

    private func notReady() -> APIError? {
        if model.withLock({ $0 == nil }) { return .unavailable("not_ready", "the model is still loading") }
        if scheduler.isFull { return .unavailable("queue_full", "all \(scheduler.capacity) queue places are taken") }
        return nil
    }

    private func gauges() -> Metrics.Gauges {
        Metrics.Gauges(queueDepth: scheduler.depth, queueCapacity: scheduler.capacity, inflightRequests: inflight,
                       busyWorkers: scheduler.busyWorkers, workers: scheduler.workers,
                       model: model.withLock { $0?.info },
                       lexicon: lexicons.path == nil ? nil : (lexicons.current.lexicon?.count ?? 0, lexicons.current.generation, lexicons.reloadFailures),
                       memory: budget.limit.map { ($0, budget.charged) })
    }

    /// What a request may ask for now: the loaded model's limits with the lexicon in force's types
    /// added, and that lexicon; nil while the model loads.
    func requestLimits() -> (RequestLimits, UserLexicon?)? {
        guard let loaded = model.withLock({ $0 }) else { return nil }
        let state = lexicons.current
        var limits = loaded.limits
        for type in state.types where !limits.entityTypes.contains(type) {
            limits.entityTypes.append(type)
        }
        return (limits, state.lexicon)
    }

    func bodyReceived(_ ex: Exchange) {
        // The deadline bounds the wait for a worker, so it starts once the request can run: a body
        // uploaded slowly (300 KB at 25 KB/s) is not the server's delay.
        let runnable = MonotonicClock.now()
        guard !ex.bodyExceeded else { return ex.respond(bodyTooLarge().response) }
        // The request keeps the lexicon in force now, even if a reload swaps it meanwhile.
        guard let (limits, lexicon) = requestLimits() else {
            return ex.respond(APIError.unavailable("not_ready", "the model is still loading").response)
        }
        let route = Route(rawValue: ex.path)!
        if let spool = ex.spool {
            return documentReceived(route, spool, options: ex.request.documentOptions, limits, lexicon, ex, runnable: runnable)
        }
        let body = ex.takeBody()
        ex.request.admitted = true
        decoders.submit { [self, limits] in
            // Decoding is work too: none for a client that hung up while its body waited here.
            guard !ex.clientGone else { return cancel(ex) }
            do throws(APIError) {
                if route.isRedaction { return try redact(route, body, limits, lexicon, ex, runnable: runnable) }
                let request = route == .batch ? try RequestDecoding.batch(body, limits: limits)
                                              : try RequestDecoding.single(body, limits: limits)
                ex.request.characters = request.characters
                try enqueue(route, request, lexicon, ex, runnable: runnable)
            } catch {
                ex.respond(error.response)
            }
        }
    }

    private func enqueue(_ route: Route, _ request: InferenceRequest, _ lexicon: UserLexicon?, _ ex: Exchange,
                         runnable: UInt64) throws(APIError) {
        if request.texts.isEmpty {
            return respondEntities(route, [], ex)
        }
        if route == .stream {
            return try submit(.stream { [self] recognizer in stream(request, .whole(request.texts[0]), lexicon, ex, recognizer) },
                              request, ex, runnable: runnable, memory: streamCharge(request))
        }
        try submit(.texts(request.texts) { [self] results in
            let final = zip(request.texts, results).map { text, model in
                OutputEntities.finalEntities(text: text, model: model, lexicon: lexicon,
                                             patternTypes: request.patternTypes, types: request.types)
            }
            final.forEach(metrics.recordEntities)
            respondEntities(route, final, ex)
        }, request, ex, runnable: runnable, memory: workCharge(request, redaction: false))
    }

    /// The memory (`MemoryBudget`) of `request`'s texts answered whole.
    func workCharge(_ request: InferenceRequest, redaction: Bool) -> Int {
        MemoryBudget.workCharge(characters: request.characters, utf8Bytes: request.texts.reduce(0) { $0 + $1.utf8.count },
                                redaction: redaction)
    }

    /// The memory of `request`'s one text, streamed.
    func streamCharge(_ request: InferenceRequest) -> Int {
        MemoryBudget.streamCharge(utf8Bytes: request.texts.reduce(0) { $0 + $1.utf8.count }, pieceTokens: config.streamPieceTokens)
    }

    /// Queues `work`, the inference of `request`, for a worker; a full queue or a deadline already
    /// passed is the error to answer. The body's charge becomes the work's, `memory`: what the
    /// texts, their entities and the answer not yet read can take.
    func submit(_ work: InferenceJob.Work, _ request: InferenceRequest, _ ex: Exchange, runnable: UInt64, memory needed: Int) throws(APIError) {
        if let e = charge(ex, needed) { throw e }
        let deadline = runnable + UInt64(config.deadlineMilliseconds) * 1_000_000
        let job = InferenceJob(work: work, characters: request.characters, deadline: deadline,
                               expired: { [self] in ex.respond(deadlineExceeded().response) },
                               isCancelled: { ex.clientGone }, cancelled: { [self] in cancel(ex) })
        switch scheduler.submit(job) {
        case .accepted: return
        case .expired: throw deadlineExceeded()
        case .full:
            metrics.recordRejected()
            throw .unavailable("queue_full", "all \(scheduler.capacity) queue places are taken; retry shortly")
        }
    }

    /// The client is gone: the work stops, and the connection (held open while suspended) closes.
    func cancel(_ ex: Exchange) {
        metrics.recordCancelled()
        ex.abandon()
    }

    private func deadlineExceeded() -> APIError {
        metrics.recordExpired()
        return APIError(status: 504, code: "deadline_exceeded",
                 message: "not started within deadline-ms = \(config.deadlineMilliseconds) ms of the body's arrival; the server is overloaded")
    }

    /// `/v1/entities` or `/v1/entities/batch`'s answer: whole when small, else written as the
    /// client reads it (`EntitiesBody`).
    private func respondEntities(_ route: Route, _ results: [[Entity]], _ ex: Exchange) {
        let body = EntitiesBody(results: results, batch: route == .batch, trailer: trailer(ex))
        let small = body.isSmall
        let head = HTTPResponse(status: 200, contentType: "application/json", body: small ? body.whole() : [])
        small ? ex.respond(head) : ex.respond(head, producing: body)
    }

    /// `"model": ..., "took_ms": ...`: the end of every answer with entities.
    func trailer(_ ex: Exchange) -> String {
        var out = "\"model\": "
        JSONWriter.appendString(config.modelName, to: &out)
        let ms = Double(MonotonicClock.now() - ex.arrival) / 1e6
        return out + ", \"took_ms\": \((ms * 1000).rounded() / 1000)"
    }

    /// `/v1/entities/stream`: each piece's entities (`StreamedEntities`), so the lines add up to
    /// `/v1/entities`' answer.
    func stream(_ request: InferenceRequest, _ text: StreamedText, _ lexicon: UserLexicon?, _ ex: Exchange, _ recognizer: Recognizer) {
        var found = 0
        streamPieces(request, text, lexicon, ex, recognizer) { _, entities, processed, total in
            found += entities.count
            var line = "{\"entities\": "
            JSONWriter.appendEntities(entities, to: &line)
            return line + ", \"processed\": \(processed), \"total\": \(total)}\n"
        } summary: {
            "{\"done\": true, \"entities_total\": \(found), "
        }
    }

    func completed(_ ex: Exchange, ending: Ending) {
        exchanges.subtract(1, ordering: .relaxed)
        if ex.request.document { documents.subtract(1, ordering: .relaxed) }
        budget.release(ex.request.charged)
        let seconds = Double(MonotonicClock.now() - ex.arrival) / 1e9
        let context = ex.request
        let status = ending == .clientGone && context.admitted ? 499 : ex.status
        metrics.recordRequest(route: context.route, status: status, seconds: seconds)
        AccessLog.emit(.init(method: ex.method, route: context.route, status: status, milliseconds: seconds * 1000,
                             characters: context.characters, aborted: ending != .answered))
    }
}
