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
    func spoolDocument(_ ex: Exchange) -> HTTPResponse? {
        if let declared = ex.header("Content-Length").flatMap(Int.init), declared > config.maxDocumentBytes {
            return documentTooLarge().response
        }
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
        return charge(ex, MemoryBudget.documentCharge(partCharacters: Self.documentPartCharacters, pieceTokens: config.streamPieceTokens))?.response
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
            let job: InferenceJob.Work, request: InferenceRequest
            do throws(APIError) {
                let fields = route == .redactStream ? RedactionRequest.optionFields : ["types", "patterns"]
                var object: [String: Any] = [:]
                if let options { object = try RequestDecoding.jsonObject(options, fields: fields, source: "the \(Self.optionsHeader) header") }
                if route == .redactStream {
                    let r = try RedactionRequest(options: object, limits: limits, key: config.redactionKey)
                    (job, request) = (.stream { [self] recognizer in streamRedaction(r, .document(spool), lexicon, ex, recognizer) }, r.request)
                } else {
                    let plain = try RequestDecoding.request([], object, limits: limits, characters: 0)
                    (job, request) = (.stream { [self] recognizer in stream(plain, .document(spool), lexicon, ex, recognizer) }, plain)
                }
            } catch {
                // A field's error says where the field was.
                let named = error.message.contains(Self.optionsHeader) ? error.message : error.message + " (in the \(Self.optionsHeader) header)"
                return ex.respond(APIError(status: error.status, code: error.code, message: named, headers: error.headers).response)
            }
            do throws(APIError) {
                try submit(job, request, ex, runnable: runnable, memory: memory)
            } catch {
                ex.respond(error.response)
            }
        }
    }
}
