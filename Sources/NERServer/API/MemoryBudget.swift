#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import NERCore
import Synchronization

/// `--max-memory`: what requests may hold beyond the process's footprint after load, charged at
/// admission and released when their exchange completes (docs/OPERATIONS.md, "Memory budget").
///
/// A request is charged twice, each time before it may take the memory: when its headers are in,
/// for its body and decoding it (`bodyCharge`); once decoded, instead, for its texts, the entities
/// the workers make of them and the answer not yet sent (`workCharge`). What does not fit is
/// answered 503 at once, so memory is refused at the door instead of found missing later. Answers
/// are written as the client reads them (`EntitiesBody`, and a stream waits for its reader), so an
/// answer's bytes never pile up past a bound the charge covers.
final class MemoryBudget: Sendable {
    /// Bytes the process may use in all; nil: no budget (nothing charged is refused).
    let limit: Int?
    private struct State {
        /// Resident bytes once the model was loaded, plus `headroom`: the part no request owns.
        var base = 0
        var charged = 0
    }
    private let state = Mutex(State())
    /// A trim is on its way (`release`).
    private let trimScheduled = Atomic<Bool>(false)

    /// Beyond the after-load RSS, what the process needs without any request: the workers'
    /// workspaces as they first grow to a full batch, the allocator's arenas (one per thread that
    /// allocates), libmicrohttpd's connection buffers. Measured with the default model, 2 workers
    /// and 32 connections: ≈ 12 MB after a first batch; twice that leaves a margin.
    static func headroom(workers: Int) -> Int { (16 + 4 * workers) << 20 }

    init(limit: Int?) { self.limit = limit }

    /// One malloc arena, unless the operator set `MALLOC_ARENA_MAX`. glibc gives each thread that
    /// allocates an arena of its own (up to 8 per core), and `malloc_trim` gives back only the free
    /// pages inside an arena, never the top of any arena but the first (glibc 2.36 `mtrim`); a
    /// second arena's top shrinks on `free` only past a trim threshold that glibc raises to twice
    /// the largest block it unmapped (up to 64 MB). So with two arenas, 4–7 MB of request bodies
    /// freed at a second arena's top stayed resident after a burst on a loaded host (3 runs in 8;
    /// with eight arenas, 1–3 MB per arena); with one, the burst's residue was 0.1–0.2 MB in 10 of 10
    /// (RELIABILITY.md, bug 18). The threads allocate little while they run (glibc's per-thread
    /// cache takes the small blocks): with 2 workers, one arena cost no measurable throughput. A
    /// host with many workers may set `MALLOC_ARENA_MAX` higher (docs/OPERATIONS.md).
    /// Called before the server starts its threads.
    static func limitArenas() {
        #if canImport(Glibc)
        if getenv("MALLOC_ARENA_MAX") == nil { _ = glibcMallopt(-8 /* M_ARENA_MAX */, 1) }
        #endif
    }

    /// Fixes the base at the resident size now (the model loaded, the workers started).
    func loaded(workers: Int) -> Int {
        let base = Self.residentBytes() + Self.headroom(workers: workers)
        state.withLock { $0.base = base }
        return base
    }

    /// Charged bytes now.
    var charged: Int { state.withLock { $0.charged } }

    enum Recharge { case done, busy, neverFits }

    /// Raises or lowers a request's charge from `current` to `bytes`. A raise that would pass the
    /// limit changes nothing: `busy` while other requests hold the memory, `neverFits` when it
    /// would pass the limit even alone. Lowering always succeeds.
    func recharge(from current: Int, to bytes: Int) -> Recharge {
        state.withLock { s in
            if let limit, bytes > current, s.base + s.charged - current + bytes > limit {
                return s.base + bytes > limit ? .neverFits : .busy
            }
            s.charged += bytes - current
            return .done
        }
    }

    /// A request's memory is free again; with nothing charged any more, `trimSoon`.
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let idle = state.withLock { s -> Bool in
            s.charged -= bytes
            return s.charged == 0
        }
        if idle { trimSoon() }
    }

    /// Asks the allocator to give freed pages back to the system (`malloc_trim`), off the polling
    /// thread, once no request holds memory: after a burst of requests, and after a lexicon reload
    /// (the old one is freed when the last request using it ends). glibc keeps them otherwise: RSS
    /// stayed 2–3× the idle figure for 20 minutes after a burst, and 3.5× after switching from a
    /// 400,000-entry lexicon back to a small one. One trim 100 ms after the last call rather than
    /// one per call: it walks every arena, a few milliseconds on a large heap.
    func trimSoon() {
        guard trimScheduled.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in
            trimScheduled.store(false, ordering: .relaxed)
            #if canImport(Glibc)
            if charged == 0 { _ = glibcMallocTrim(0) }
            #endif
        }
    }

    // The charges. Their factors are upper bounds measured on the worst texts for each (every
    // character its own entity: `"京"` repeated), checked by `MemoryBudgetTests`.

    /// For a body of `bytes` while it is read and decoded: the raw bytes, the decoder's tree and
    /// the texts it makes (for a body of one long JSON string, ≈ 3× the body at the peak).
    static func bodyCharge(_ bytes: Int) -> Int { 4 * bytes }

    /// For decoded texts of `characters` code points in `utf8Bytes`, answered whole: the texts,
    /// then for every character at most one entity from the model and one in the final list
    /// (`Entity` is 56 bytes, arrays grow by doubling), which `EntitiesBody` writes out a piece
    /// at a time; redaction adds the redacted text and its items.
    static func workCharge(characters: Int, utf8Bytes: Int, redaction: Bool) -> Int {
        let entities = entityLists(characters)
        return 2 * utf8Bytes + entities + (redaction ? 2 * entities + 4 * utf8Bytes : 0)
    }

    /// For one streamed text: the text, one piece's entities and the lines its reader has not
    /// taken yet (`Exchange.write` waits past `Exchange.unsentStreamLimit`).
    static func streamCharge(utf8Bytes: Int, pieceTokens: Int) -> Int {
        2 * utf8Bytes + entityLists(2 * pieceTokens) + 2 * Exchange.unsentStreamLimit
    }

    /// For a document spooled to a file (`BodySpool`), recognised a part at a time: one part as
    /// code points, text, tokens and sentences (≤ 64 bytes per code point), its lexicon and pattern
    /// entities (up to one per code point), and the stream's piece and unsent lines. The document
    /// itself is on disk: the charge does not grow with it.
    static func documentCharge(partCharacters: Int, pieceTokens: Int) -> Int {
        streamCharge(utf8Bytes: 4 * partCharacters, pieceTokens: pieceTokens) + 64 * partCharacters + entityLists(partCharacters)
    }

    /// At most one entity per code point, in the model's list and the final one, each up to
    /// twice its length in capacity (arrays grow by doubling).
    private static func entityLists(_ characters: Int) -> Int { 4 * MemoryLayout<Entity>.stride * characters }

    /// The memory limit of the process's cgroup (v2 `memory.max`, else v1 `memory.limit_in_bytes`),
    /// if one is set: the default budget, so that the server refuses work before the OOM killer
    /// ends it. The cgroup is the one /proc/self/cgroup names (a systemd unit's
    /// `/system.slice/zhner.service`; `/` in a container with its own cgroup namespace).
    static func cgroupLimit() -> Int? {
        var files: [String] = []
        for line in (readSmallFile("/proc/self/cgroup", limit: 4096) ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            if fields[0] == "0", fields[1].isEmpty { files.append("/sys/fs/cgroup\(path)/memory.max") }
            if fields[1].split(separator: ",").contains("memory") { files.append("/sys/fs/cgroup/memory\(path)/memory.limit_in_bytes") }
        }
        for file in files {
            guard let word = readSmallFile(file)?.split(whereSeparator: \.isWhitespace).first, let bytes = Int(word) else { continue }
            // "max" (v2) is no limit; v1 says so with a number near Int64.max rounded to pages.
            if bytes < 1 << 50 { return bytes }
        }
        return nil
    }

    /// Resident pages from /proc (Linux); 0 where there is no /proc.
    static func residentBytes() -> Int {
        guard let statm = readSmallFile("/proc/self/statm") else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func readSmallFile(_ path: String, limit: Int = 128) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }
}

#if canImport(Glibc)
// glibc's malloc.h, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
