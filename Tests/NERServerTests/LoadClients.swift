import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing

/// What one request met.
enum Outcome: Equatable {
    /// A complete answer.
    case answered(status: Int, retryAfter: String?, errorCode: String?, hasEntities: Bool)
    /// The connection was refused: nothing listens (after shutdown).
    case refused
    /// Connected and sent, but the connection ended without a complete answer.
    case unanswered(String)
}

/// Client threads that each send requests one after another, each on a new connection, until a
/// condition says stop; every outcome is kept for the assertions.
final class LoadClients: Sendable {
    private let outcomes = Mutex<[Outcome]>([])
    private let stopping = Atomic<Bool>(false)
    private let group = DispatchGroup()

    /// Starts `count` threads sending `body` to `path` on `port`; a thread stops at `stop()` or when
    /// `stopOnRefusal` and its connection is refused.
    init(count: Int, port: Int, path: String = "/v1/entities", body: Data, headers: [String: String] = [:], stopOnRefusal: Bool = false) {
        for _ in 0..<count {
            group.enter()
            Thread { [self] in
                while !stopping.load(ordering: .relaxed) {
                    let outcome = Self.send(port: port, path: path, body: body, headers: headers)
                    outcomes.withLock { $0.append(outcome) }
                    if stopOnRefusal, outcome == .refused { break }
                }
                group.leave()
            }.start()
        }
    }

    /// Outcomes so far.
    var results: [Outcome] { outcomes.withLock { $0 } }

    var answered: Int { results.filter { if case .answered = $0 { true } else { false } }.count }

    /// Tells the threads to stop and waits for their last requests.
    func stop() -> [Outcome] {
        stopping.store(true, ordering: .relaxed)
        group.wait()
        return results
    }

    /// Waits for the threads to stop by themselves (`stopOnRefusal`).
    func join() -> [Outcome] {
        group.wait()
        return results
    }

    private static func send(port: Int, path: String, body: Data, headers: [String: String]) -> Outcome {
        let client: RawHTTP
        do { client = try RawHTTP(port: port) } catch { return .refused }
        do {
            try client.send("POST", path, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: body)
            let raw = try client.receiveAll()
            if raw.isEmpty { return .unanswered("closed without an answer") }
            let r = try RawHTTP.parse(raw)
            let hasEntities = ((try? r.json())?["entities"] as? [Any]) != nil
            return .answered(status: r.status, retryAfter: r.headers["retry-after"], errorCode: r.errorCode, hasEntities: hasEntities)
        } catch {
            return .unanswered("\(error)")
        }
    }
}

extension [Outcome] {
    /// Statuses of the answered requests, counted.
    var statusCounts: [Int: Int] {
        var counts: [Int: Int] = [:]
        for case .answered(let status, _, _, _) in self { counts[status, default: 0] += 1 }
        return counts
    }

    var unanswered: [String] { compactMap { if case .unanswered(let why) = $0 { why } else { nil } } }
}

/// Every answer is a 200 with entities or a 503 with `Retry-After: 1` and `code`.
func expectOnly200Or503(_ outcomes: [Outcome], code: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let counts = outcomes.statusCounts
    #expect(Set(counts.keys).isSubset(of: [200, 503]), "\(counts)", sourceLocation: sourceLocation)
    for case .answered(let status, let retryAfter, let errorCode, let hasEntities) in outcomes {
        if status == 503 {
            #expect(retryAfter == "1", sourceLocation: sourceLocation)
            #expect(errorCode == code, sourceLocation: sourceLocation)
        } else {
            #expect(hasEntities, sourceLocation: sourceLocation)
        }
    }
}

/// A number from the server's /metrics (the first sample of that name).
func metric(_ server: ServerProcess, _ name: String, headers: [String: String] = [:]) throws -> Double? {
    let text = try server.request("GET", "/metrics", headers: headers).text
    return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
}

/// Asks every 50 ms until `condition` holds; after 2 minutes the test fails here. (It once went on
/// silently instead: a condition that could never hold, no /metrics answer shows zero requests in
/// flight because it counts itself, made a test wait out two polls of 2,400 requests each, and the
/// allocator's residue of those requests, not of the burst it meant to measure, failed it on a
/// loaded host.)
func poll(sourceLocation: SourceLocation = #_sourceLocation, _ condition: () throws -> Bool) throws {
    for _ in 0..<2400 {
        if try condition() { return }
        usleep(50_000)
    }
    throw NeverHeld(sourceLocation: sourceLocation)
}

/// A `poll` whose condition did not hold within its 2 minutes.
struct NeverHeld: Error, CustomStringConvertible {
    let sourceLocation: SourceLocation
    var description: String { "the condition polled at \(sourceLocation) did not hold within 2 minutes" }
}

/// The server process's open sockets, from /proc (Linux).
func openSockets(_ pid: Int32) -> Int {
    let dir = "/proc/\(pid)/fd"
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return fds.filter { ((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0)) ?? "").hasPrefix("socket:") }.count
}
