import Foundation
import NERCore

/// Documents (docs/API.md, "Documents"): a body of `text/plain` on `/v1/entities/stream` or
/// `/v1/redact/stream` is the text itself, however long (up to `--max-document-bytes`). It goes to
/// a file as it arrives (`BodySpool`) and is recognised a part at a time (`TextSegments`), so the
/// server holds one part, never the document: memory stays flat whatever its size. The JSON body's
/// other fields come in the `Zhner-Options` header, as a JSON object, checked as strictly.
extension APIHandler {
    static let optionsHeader = "Zhner-Options"

    /// Headers in: the body is to be spooled. Refused at once if it is declared too large, if
    /// `--max-documents` are in flight already, if no file can be made, or if the memory of one
    /// part does not fit the budget.
    func spoolDocument(_ ex: Exchange, _ route: Route, options: [UInt8]?) -> HTTPResponse? {
        if let declared = ex.header("Content-Length").flatMap(Int.init), declared > config.maxDocumentBytes {
            return documentTooLarge().response
        }
        // Options that will be refused are refused now, before a document of up to 64 MiB is sent
        // for nothing (and instead of `100 Continue`); they are checked again with the body, as a
        // lexicon reload may change the types meanwhile.
        if let (limits, _) = requestLimits() {
            do throws(APIError) { _ = try documentOptions(route, options, limits) } catch { return error.response }
        }
        ex.request.documentOptions = options
        // A document may keep a worker for minutes (about 30 for 64 MiB): capped below the workers,
        // so that short requests keep one.
        guard documents.add(1, ordering: .relaxed).newValue <= config.documentsAllowed else {
            documents.subtract(1, ordering: .relaxed)
            return APIError.unavailable("documents_busy", "max-documents = \(config.documentsAllowed) documents are in flight; retry shortly").response
        }
        ex.request.document = true
        do {
            ex.spool = try BodySpool(directory: config.spoolDirectory, limit: config.maxDocumentBytes)
        } catch {
            return APIError.unavailable("spool_unavailable", "no file could be made for the document in --spool-dir: \(error.description)").response
        }
        return charge(ex, MemoryBudget.documentCharge(partCharacters: Recognizer.documentPartCharacters, pieceTokens: config.streamPieceTokens))?.response
    }

    private func documentTooLarge() -> APIError {
        .tooLarge("document_too_large", "the document is over max-document-bytes = \(config.maxDocumentBytes) bytes")
    }

    /// The document is in the spool: its options are checked, then its stream queued. Its charge
    /// stays the one taken when its headers came (`spoolDocument`): the document is on disk.
    func documentReceived(_ route: Route, _ spool: BodySpool, options: [UInt8]?, _ limits: RequestLimits, _ lexicon: UserLexicon?,
                          _ ex: Exchange, runnable: UInt64) {
        if spool.exceeded { return ex.respond(documentTooLarge().response) }
        if let code = spool.writeError {
            return ex.respond(APIError(status: 507, code: "insufficient_storage",
                                       message: "the document could not be written to --spool-dir: \(SpoolError(errno: code).description)").response)
        }
        ex.request.admitted = true
        let memory = ex.request.charged
        decoders.submit { [self, limits] in
            guard !ex.clientGone else { return cancel(ex) }
            do throws(APIError) {
                switch try documentOptions(route, options, limits) {
                case .redaction(let r):
                    try submit(.stream { [self] recognizer in streamRedaction(r, .document(spool), lexicon, ex, recognizer) },
                               r.request, ex, runnable: runnable, memory: memory)
                case .entities(let request):
                    try submit(.stream { [self] recognizer in stream(request, .document(spool), lexicon, ex, recognizer) },
                               request, ex, runnable: runnable, memory: memory)
                }
            } catch {
                ex.respond(error.response)
            }
        }
    }

    /// A document's request, from its `Zhner-Options` header.
    enum DocumentOptions {
        case redaction(RedactionRequest)
        case entities(InferenceRequest)
    }

    /// The header's options checked as a body's fields but the text are; an error says it was the header.
    func documentOptions(_ route: Route, _ options: [UInt8]?, _ limits: RequestLimits) throws(APIError) -> DocumentOptions {
        do throws(APIError) {
            let fields = route == .redactStream ? RedactionRequest.optionFields : ["types", "patterns"]
            var object: [String: Any] = [:]
            if let options { object = try RequestDecoding.jsonObject(options, fields: fields, source: "the \(Self.optionsHeader) header") }
            if route == .redactStream { return .redaction(try RedactionRequest(options: object, limits: limits, key: config.redactionKey)) }
            return .entities(try RequestDecoding.request([], object, limits: limits, characters: 0))
        } catch {
            let named = error.message.contains(Self.optionsHeader) ? error.message : error.message + " (in the \(Self.optionsHeader) header)"
            throw APIError(status: error.status, code: error.code, message: named, headers: error.headers)
        }
    }
}
