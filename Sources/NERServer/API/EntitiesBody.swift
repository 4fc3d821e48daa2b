import NERCore

/// The answer of `/v1/entities` (`{"entities": [...], ...}`) and `/v1/entities/batch`
/// (`{"results": [{"entities": [...]}, ...], ...}`), written as JSON a piece at a time while the
/// client reads (`Exchange.respond(_:producing:)`). A batch of texts that are all entities
/// (`"京"` repeated) has an answer 25× its body; built whole, that was 26 MB per 1 MiB request,
/// held three times over (the string, the response, libmicrohttpd's copy) for as long as the
/// client took to read it. Now only the entities are held, which the memory budget charges.
final class EntitiesBody: BodyProducer, @unchecked Sendable {
    // Touched only by `produce`, which libmicrohttpd's polling thread calls one at a time.
    private let results: [[Entity]]
    private let batch: Bool
    private let trailer: String
    /// The next text and entity to write, and whether that text's list is open.
    private var text = 0
    private var entity = 0
    private var opened = false
    private var started = false

    /// `trailer`: the `"model": ..., "took_ms": ...` that ends every answer with entities.
    init(results: [[Entity]], batch: Bool, trailer: String) {
        // `/v1/entities` always has one list, empty for an empty text.
        self.results = batch ? results : [results.first ?? []]
        self.batch = batch
        self.trailer = trailer
    }

    /// Few enough entities to send whole, with a Content-Length, as small answers always were.
    var isSmall: Bool { results.reduce(0) { $0 + $1.count } <= 256 }

    /// The whole body at once (for a small answer).
    func whole() -> [UInt8] {
        var out: [UInt8] = []
        while produce(into: &out, max: .max) {}
        return out
    }

    func produce(into out: inout [UInt8], max: Int) -> Bool {
        var s = ""
        if !started {
            s += batch ? "{\"results\": [" : "{\"entities\": "
            started = true
        }
        while s.utf8.count < max, text < results.count {
            if !opened {
                s += !batch ? "[" : text == 0 ? "{\"entities\": [" : ", {\"entities\": ["
                opened = true
            }
            let list = results[text]
            if entity < list.count {
                if entity > 0 { s += ", " }
                JSONWriter.appendEntity(list[entity], to: &s)
                entity += 1
                continue
            }
            s += batch ? "]}" : "]"
            text += 1
            entity = 0
            opened = false
        }
        let finished = text == results.count
        if finished { s += (batch ? "]" : "") + ", " + trailer + "}" }
        out.append(contentsOf: s.utf8)
        return !finished
    }
}
