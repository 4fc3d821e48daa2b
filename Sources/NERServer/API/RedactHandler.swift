import NERCore

/// `/v1/redact` and `/v1/redact/stream` (docs/API.md, "Redaction"): the final entities of the same
/// body on `/v1/entities` (or the batch, or the stream), replaced in the text by a `Redactor`.
/// Admission, limits, auth, the queue and cancellation are the entity routes' own.
extension APIHandler {
    /// Decodes the body (on a decoding thread) and queues its redaction.
    func redact(_ route: Route, _ body: [UInt8], _ limits: RequestLimits, _ lexicon: UserLexicon?, _ ex: Exchange,
                runnable: UInt64) throws(APIError) {
        let r = try RedactionRequest(body, limits: limits, key: config.redactionKey, stream: route == .redactStream)
        ex.request.characters = r.request.characters
        if route == .redactStream {
            return try submit(.stream { [self] recognizer in streamRedaction(r, .whole(r.request.texts[0]), lexicon, ex, recognizer) },
                              r.request, ex, runnable: runnable, memory: streamCharge(r.request))
        }
        guard !r.request.texts.isEmpty else { return ex.respond(.json(200, answer(r, [], ex))) }
        try submit(.texts(r.request.texts) { [self] results in
            // One redactor for the request: its texts share the pseudonyms.
            var redactor = Redactor(policy: r.policy)
            let redactions = zip(r.request.texts, results).map { text, model in
                let entities = OutputEntities.finalEntities(text: text, model: model, lexicon: lexicon,
                                                            patternTypes: r.request.patternTypes, types: r.request.types)
                metrics.recordEntities(entities)
                return redactor.redact(text, entities: entities)
            }
            ex.respond(.json(200, answer(r, redactions, ex)))
        }, r.request, ex, runnable: runnable, memory: workCharge(r.request, redaction: true))
    }

    /// `{"text": ..., "items": [...], ...}`, or for `"texts"` `{"results": [{"text": ..., "items": [...]}, ...], ...}`.
    private func answer(_ r: RedactionRequest, _ redactions: [Redaction], _ ex: Exchange) -> String {
        var out = "{"
        if r.batch {
            out += "\"results\": ["
            for (i, redaction) in redactions.enumerated() {
                out += i == 0 ? "{" : ", {"
                JSONWriter.appendRedaction(redaction, originals: r.originals, to: &out)
                out += "}"
            }
            out += "]"
        } else {
            JSONWriter.appendRedaction(redactions[0], originals: r.originals, to: &out)
        }
        return out + ", " + trailer(ex) + "}"
    }

    /// NDJSON: each piece of the text redacted as its entities come, then the summary line of
    /// `/v1/entities/stream` (`entities_total`: the items of all pieces). The lines' texts joined
    /// are `/v1/redact`'s text, and their items its items, offsets included (both count from the
    /// start of the whole text). A piece ends where the model's piece ends, or at the end of an
    /// entity that crosses it; `processed` says where. A document's parts share one redactor, so
    /// its pseudonyms hold across the whole document.
    func streamRedaction(_ r: RedactionRequest, _ text: StreamedText, _ lexicon: UserLexicon?, _ ex: Exchange, _ recognizer: Recognizer) {
        var redactor = Redactor(policy: r.policy)
        var cursor = RedactionCursor("")
        var cursorPart = -1
        var replaced = 0
        streamPieces(r.request, text, lexicon, ex, recognizer) { part, entities, processed, total in
            if part.start != cursorPart {
                // A part goes on where the previous one ended, in both texts.
                cursor = RedactionCursor(part.text, position: part.start, redactedPosition: cursor.redactedPosition)
                cursorPart = part.start
            }
            let piece = redactor.redact(&cursor, upTo: processed, entities: entities)
            replaced += piece.items.count
            var line = "{"
            JSONWriter.appendRedaction(piece, originals: r.originals, to: &line)
            return line + ", \"processed\": \(cursor.position), \"total\": \(total)}\n"
        } summary: {
            "{\"done\": true, \"entities_total\": \(replaced), "
        }
    }
}
