#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NERCore
import Synchronization

/// The server's custom lexicon (`--lexicon FILE`), reloaded from the same file on SIGHUP. A reload
/// builds the new lexicon aside and swaps it in whole: a request uses the one it started with, and
/// a file that fails to load leaves the old lexicon serving (the failure is logged and counted).
final class LexiconStore: Sendable {
    struct State: Sendable {
        let lexicon: UserLexicon?
        /// 1 after the first load, +1 per successful reload; 0 without a lexicon.
        let generation: Int
        /// The lexicon's entity types, in order of first use: found once per load, so that a request
        /// (on the polling thread) never walks the entries.
        let types: [String]

        init(lexicon: UserLexicon?, generation: Int) {
            self.lexicon = lexicon
            self.generation = generation
            var seen = Set<String>()
            types = (lexicon?.entries ?? []).map(\.type).filter { seen.insert($0).inserted }
        }
    }

    let path: String?
    private let state: Mutex<State>
    private let failures = Atomic<Int>(0)

    /// Loads `path` (nil: no lexicon); a bad file stops the server from starting.
    init(path: String?) throws(ServerError) {
        self.path = path
        guard let path else {
            state = Mutex(State(lexicon: nil, generation: 0))
            return
        }
        do {
            state = Mutex(State(lexicon: try UserLexicon.load(path: path), generation: 1))
        } catch {
            throw .lexicon("\(error)")
        }
    }

    var current: State { state.withLock { $0 } }

    var reloadFailures: Int { failures.load(ordering: .relaxed) }

    /// Rereads the file; logs the outcome as one JSON line on stderr.
    func reload() {
        guard let path else {
            EventLog.emit(["event": "lexicon_reload_skipped", "reason": "no --lexicon file configured"])
            return
        }
        do {
            let fresh = try UserLexicon.load(path: path)
            let generation = state.withLock { s in
                s = State(lexicon: fresh, generation: s.generation + 1)
                return s.generation
            }
            EventLog.emit(["event": "lexicon_reloaded", "path": path, "entries": "\(fresh.count)", "generation": "\(generation)"])
        } catch {
            failures.add(1, ordering: .relaxed)
            EventLog.emit(["event": "lexicon_reload_failed", "path": path, "error": "\(error)",
                           "kept_generation": "\(current.generation)"])
        }
    }
}
