#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NERCore
import Synchronization

/// Counts since start, rendered in the Prometheus text format (version 0.0.4). Label sets are
/// bounded: routes are the known ones (or "other"), statuses the few the server sends.
final class Metrics: Sendable {
    /// What the scrape reads from the rest of the server at that moment.
    struct Gauges {
        var queueDepth: Int
        var queueCapacity: Int
        var inflightRequests: Int
        var busyWorkers: Int
        var workers: Int
        /// (model name, architecture, ISA, entity types) once the model is loaded.
        var model: (name: String, architecture: String, isa: String, types: [String])?
        /// (entries, generation, failed reloads) when the server has a lexicon file.
        var lexicon: (entries: Int, generation: Int, failures: Int)?
        /// (limit, bytes charged) when the server has a `--max-memory` budget.
        var memory: (limit: Int, charged: Int)?
    }

    private struct RouteStatus: Hashable, Comparable {
        let route: String
        let status: Int
        static func < (a: Self, b: Self) -> Bool { (a.route, a.status) < (b.route, b.status) }
    }

    /// Seconds: fast tiny-model answers up to long texts near the default deadline.
    static let latencyBounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Texts per forward batch.
    static let batchBounds: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]

    private let requests = Mutex<[RouteStatus: Histogram]>([:])
    private let batches = Mutex(Histogram(bounds: batchBounds))
    private let texts = Atomic<Int>(0)
    private let characters = Atomic<Int>(0)
    private let expired = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)
    private let cancelled = Atomic<Int>(0)
    private let overBudget = Atomic<Int>(0)
    /// Entities answered, by type and source: bounded by the model's, the lexicon's and the
    /// pattern recognizers' types.
    private let entities = Mutex<[EntityKey: Int]>([:])
    private struct EntityKey: Hashable, Comparable {
        let type: String
        let source: String
        static func < (a: Self, b: Self) -> Bool { (a.type, a.source) < (b.type, b.source) }
    }
    private let startTime = Double(time(nil))

    func recordRequest(route: String, status: Int, seconds: Double) {
        requests.withLock { $0[RouteStatus(route: route, status: status), default: Histogram(bounds: Self.latencyBounds)].observe(seconds) }
    }

    /// A worker starts a forward run (or one streamed text) of `texts` texts holding `characters`
    /// code points (a stream's are added piece by piece, `recordCharacters`).
    func recordBatch(texts n: Int, characters c: Int) {
        batches.withLock { $0.observe(Double(n)) }
        texts.add(n, ordering: .relaxed)
        recordCharacters(c)
    }

    func recordCharacters(_ c: Int) { characters.add(c, ordering: .relaxed) }

    func recordExpired() { expired.add(1, ordering: .relaxed) }

    /// An inference request stopped, or dropped unrun, because its client was gone.
    func recordCancelled() { cancelled.add(1, ordering: .relaxed) }

    func recordRejected() { rejected.add(1, ordering: .relaxed) }

    /// Entities in an answer (or a streamed piece of one), after the types filter.
    func recordEntities(_ found: [Entity]) {
        guard !found.isEmpty else { return }
        entities.withLock { counts in
            for e in found { counts[EntityKey(type: e.type, source: e.source.rawValue), default: 0] += 1 }
        }
    }

    func recordOverBudget() { overBudget.add(1, ordering: .relaxed) }

    func render(_ g: Gauges) -> String {
        var out = ""
        let stats = requests.withLock { $0 }.sorted { $0.key < $1.key }
        family(&out, "zhner_http_requests_total", "counter", "HTTP requests answered, by route and status.")
        for (key, h) in stats {
            out += "zhner_http_requests_total\(Self.labels(["route": key.route, "status": String(key.status)])) \(h.count)\n"
        }
        family(&out, "zhner_http_request_duration_seconds", "histogram", "Time from request headers to the end of the answer, by route and status.")
        for (key, h) in stats {
            h.render(into: &out, name: "zhner_http_request_duration_seconds", labels: ["route": key.route, "status": String(key.status)])
        }
        family(&out, "zhner_batch_texts", "histogram", "Texts per forward batch (a streamed text counts as one).")
        batches.withLock { $0 }.render(into: &out, name: "zhner_batch_texts", labels: [:])
        gauge(&out, "zhner_texts_processed_total", "counter", "Texts a worker started on (answered or streaming).", texts.load(ordering: .relaxed))
        gauge(&out, "zhner_characters_processed_total", "counter", "Code points the workers ran through the model (a stream's piece by piece).", characters.load(ordering: .relaxed))
        family(&out, "zhner_entities_total", "counter", "Entities answered (entity and redaction routes), by type and by source: model, lexicon or pattern.")
        for (key, n) in entities.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            out += "zhner_entities_total\(Self.labels(["type": key.type, "source": key.source])) \(n)\n"
        }
        gauge(&out, "zhner_queue_rejected_total", "counter", "Requests answered 503 because the queue was full.", rejected.load(ordering: .relaxed))
        family(&out, "zhner_requests_cancelled_total", "counter", "Inference requests stopped, or dropped unrun, because their client was gone (closed or half-closed the connection, or stopped reading).")
        out += "zhner_requests_cancelled_total\(Self.labels(["reason": "client_gone"])) \(cancelled.load(ordering: .relaxed))\n"
        gauge(&out, "zhner_deadline_expired_total", "counter", "Requests answered 504 because their deadline passed before a worker took them.", expired.load(ordering: .relaxed))
        gauge(&out, "zhner_queue_depth", "gauge", "Requests waiting for a worker.", g.queueDepth)
        gauge(&out, "zhner_queue_capacity", "gauge", "Most requests that may wait; more are answered 503.", g.queueCapacity)
        gauge(&out, "zhner_http_inflight_requests", "gauge", "Requests received and not yet fully answered.", g.inflightRequests)
        gauge(&out, "zhner_workers_busy", "gauge", "Inference workers running a batch.", g.busyWorkers)
        gauge(&out, "zhner_workers", "gauge", "Inference workers.", g.workers)
        if let m = g.memory {
            gauge(&out, "zhner_memory_budget_bytes", "gauge", "--max-memory: bytes the process may use in all.", m.limit)
            gauge(&out, "zhner_memory_charged_bytes", "gauge", "Bytes charged to requests in flight (bodies, work, unsent answers).", m.charged)
            gauge(&out, "zhner_memory_rejected_total", "counter", "Requests answered 503 because their charge did not fit --max-memory.", overBudget.load(ordering: .relaxed))
        }
        gauge(&out, "process_resident_memory_bytes", "gauge", "Resident set size.", MemoryBudget.residentBytes())
        family(&out, "process_start_time_seconds", "gauge", "Start time, seconds since the epoch.")
        out += "process_start_time_seconds \(Int(startTime))\n"
        family(&out, "zhner_model_info", "gauge", "The loaded model (1 once loaded).")
        if let m = g.model {
            out += "zhner_model_info\(Self.labels(["model": m.name, "architecture": m.architecture, "isa": m.isa, "types": m.types.joined(separator: ",")])) 1\n"
        }
        if let l = g.lexicon {
            gauge(&out, "zhner_lexicon_entries", "gauge", "Names in the custom lexicon in force.", l.entries)
            gauge(&out, "zhner_lexicon_generation", "gauge", "Lexicon loads that took effect: 1 at start, +1 per successful SIGHUP reload.", l.generation)
            gauge(&out, "zhner_lexicon_reload_failures_total", "counter", "SIGHUP reloads that failed (the previous lexicon stayed in force).", l.failures)
        }
        return out
    }

    private func family(_ out: inout String, _ name: String, _ type: String, _ help: String) {
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    private func gauge(_ out: inout String, _ name: String, _ type: String, _ help: String, _ value: Int) {
        family(&out, name, type, help)
        out += "\(name) \(value)\n"
    }

    /// `{a="x",b="y"}` with label values escaped as the format requires; `le` (a bucket's bound)
    /// last, as Prometheus itself writes it.
    fileprivate static func labels(_ pairs: [String: String], le: String? = nil) -> String {
        let ordered = pairs.sorted { $0.key < $1.key } + (le.map { [("le", $0)] } ?? [])
        guard !ordered.isEmpty else { return "" }
        let body = ordered.map { key, value in
            var v = ""
            for c in value {
                switch c {
                case "\\": v += "\\\\"
                case "\"": v += "\\\""
                case "\n": v += "\\n"
                default: v.append(c)
                }
            }
            return "\(key)=\"\(v)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }
}

/// A Prometheus histogram: counts per upper bound, plus the sum and count of observations.
struct Histogram: Sendable {
    let bounds: [Double]
    private var counts: [Int]
    private(set) var count = 0
    private var sum: Double = 0

    init(bounds: [Double]) {
        self.bounds = bounds
        counts = [Int](repeating: 0, count: bounds.count)
    }

    mutating func observe(_ value: Double) {
        if let i = bounds.firstIndex(where: { value <= $0 }) { counts[i] += 1 }
        count += 1
        sum += value
    }

    /// Buckets are cumulative in the format: each `le` counts every observation up to it.
    func render(into out: inout String, name: String, labels: [String: String]) {
        var cumulative = 0
        for (bound, n) in zip(bounds, counts) {
            cumulative += n
            out += "\(name)_bucket\(Metrics.labels(labels, le: Self.format(bound))) \(cumulative)\n"
        }
        out += "\(name)_bucket\(Metrics.labels(labels, le: "+Inf")) \(count)\n"
        out += "\(name)_sum\(Metrics.labels(labels)) \(sum)\n"
        out += "\(name)_count\(Metrics.labels(labels)) \(count)\n"
    }

    private static func format(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }
}
