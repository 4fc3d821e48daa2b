import NERCore

/// What a stream runs through the model: a text decoded from a JSON body, or a document spooled
/// to a file (`BodySpool`), read a part at a time so that its size costs no memory.
enum StreamedText {
    case whole(String)
    case document(BodySpool)
}

/// One part of a streamed text: its code points, from code point `start` of the whole.
struct StreamedPart {
    let text: String
    let start: Int
}

extension APIHandler {
    /// NDJSON: one line per piece as it is computed, made by `line` from the piece's part, its
    /// final entities and the code points covered so far (offsets count from the start of the
    /// whole text), then `summary` and the trailer. Once the client is gone no further piece is
    /// computed. A document is read twice: first for what the model reads of the whole text
    /// (`TextSummary`) and to find bytes that are not UTF-8 (answered 400 before the stream
    /// starts), then part by part.
    func streamPieces(_ request: InferenceRequest, _ text: StreamedText, _ lexicon: UserLexicon?, _ ex: Exchange,
                      _ recognizer: Recognizer, line: (_ part: StreamedPart, _ entities: [Entity], _ processed: Int, _ total: Int) -> String,
                      summary: () -> String) {
        var whole = TextSummary()
        let total: Int
        switch text {
        case .whole(let t):
            total = t.unicodeScalars.count
        case .document(let spool):
            do throws(InvalidUTF8) {
                whole = try recognizer.summary(of: TextSegments(spool.bytes(), limit: Recognizer.documentPartCharacters))
            } catch {
                return ex.respond(APIError.badRequest("invalid_utf8", "the document is not valid UTF-8 at byte \(error.byteOffset) (counted from 0); send UTF-8 text").response)
            }
            guard !spool.readFailed else { return ex.respond(Self.spoolReadFailed.response) }
            total = whole.characters
            ex.request.characters = total
        }
        ex.beginStream(HTTPResponse(status: 200, contentType: "application/x-ndjson", body: []))
        var counted = 0
        var gone = false
        func run(_ part: StreamedPart, partOf summary: TextSummary?) {
            var pieces = StreamedEntities(text: part.text, lexicon: lexicon, patternTypes: request.patternTypes, types: request.types)
            let isCancelled = {
                gone = ex.clientGone
                return gone
            }
            let onPiece = { (model: [Entity], processed: Int, partTotal: Int) in
                self.metrics.recordCharacters(part.start + processed - counted)
                counted = part.start + processed
                let entities = pieces.piece(model: model, processed: processed, total: partTotal).map { e in
                    var shifted = e
                    shifted.start += part.start
                    shifted.end += part.start
                    return shifted
                }
                self.metrics.recordEntities(entities)
                ex.write(line(part, entities, part.start + processed, total))
            }
            if let summary {
                recognizer.recognize(part: part.text, of: summary, pieceTokens: config.streamPieceTokens, isCancelled: isCancelled, onPiece: onPiece)
            } else {
                recognizer.recognize(part.text, pieceTokens: config.streamPieceTokens, isCancelled: isCancelled, onPiece: onPiece)
            }
        }
        switch text {
        case .whole(let t):
            run(StreamedPart(text: t, start: 0), partOf: nil)
        case .document(let spool):
            var parts = TextSegments(spool.bytes(), limit: Recognizer.documentPartCharacters)
            // Read and checked once already: the second reading cannot fail but by the file.
            while !gone, let part = try? parts.next() {
                run(StreamedPart(text: part.text, start: part.start), partOf: whole)
            }
            // An empty document gets the empty text's one line, as `{"text": ""}` does.
            if total == 0 { run(StreamedPart(text: "", start: 0), partOf: nil) }
            if !gone, counted < total || spool.readFailed {
                // The file failed between the two readings. Closing without the last chunk tells
                // the client the answer is incomplete, as a summary line would not.
                return ex.abandon()
            }
        }
        if gone { return cancel(ex) }
        ex.write(summary() + trailer(ex) + "}\n")
        ex.end()
    }

    static let spoolReadFailed = APIError(status: 500, code: "spool_read_failed", message: "the document could not be read back from --spool-dir")
}
