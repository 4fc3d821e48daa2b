// zhner-worker: the benchmark harness's driver for zhner, speaking the same line protocol as the
// Python engine workers (bench/engines/common.py): one JSON command per stdin line, one JSON answer
// per stdout line.
//
//   zhner-worker --model DIR --threads N
//
// After loading it prints {"event": "ready", "load_s": ..., memory...}. Commands:
//   {"cmd": "latency", "file": F, "start": i, "count": k}  -> {"times": [seconds per text], "entities": ...}
//   {"cmd": "entities", "file": F, "start": i, "count": k} -> {"entities": [[[start, end, type], ...], ...]}
//   {"cmd": "throughput", "file": F, "batch": B}           -> {"seconds": s, "texts": n}
//   {"cmd": "status"}                                       -> memory figures from /proc/self/status
//   {"cmd": "reset_hwm"}                                    -> resets VmHWM (writes 5 to clear_refs)
//   {"cmd": "quit"}
// `threads` is the intra-op thread count of one forward pass (Recognizer.Options.threads), the
// counterpart of torch.set_num_threads / ORT's intra_op_num_threads.
import Foundation
import NERCore

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// CPU time of the whole process (all threads): with wall time it tells how much of a call the engine
/// actually ran, on a machine shared with other work.
func cpuTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func memory() -> [String: Any] {
    var out: [String: Any] = [:]
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return out }
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { continue }
        let key = String(parts[0])
        guard ["VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"].contains(key) else { continue }
        // "VmRSS:\t  123456 kB"
        let value = parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
        out[key.lowercased() + "_kb"] = value
    }
    return out
}

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write("\n".data(using: .utf8)!)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write("zhner-worker: \(message)\n".data(using: .utf8)!)
    exit(1)
}

var model: String?
var threads = 1
var argv = CommandLine.arguments.dropFirst()
while let arg = argv.popFirst() {
    switch arg {
    case "--model": model = argv.popFirst()
    case "--threads": threads = Int(argv.popFirst() ?? "") ?? 0
    default: fail("unknown argument \(arg)")
    }
}
guard let model, threads >= 1 else { fail("usage: zhner-worker --model DIR --threads N") }

let t0 = now()
let recognizer: Recognizer
do {
    recognizer = try Recognizer(modelDirectory: model, options: .init(threads: threads, concurrency: 1))
} catch {
    fail("cannot load \(model): \(error)")
}
// One short text before "ready", as the Python workers do: the figures after load are those of an engine
// that has run once (lazily touched pages and first-call initialisation included).
_ = recognizer.recognize("预热")
var ready: [String: Any] = ["event": "ready", "load_s": now() - t0, "isa": recognizer.isa.rawValue,
                            "architecture": recognizer.architecture]
ready.merge(memory()) { a, _ in a }
emit(ready)

var files: [String: [String]] = [:]
@MainActor func lines(_ path: String) -> [String] {
    if let cached = files[path] { return cached }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    var all = text.components(separatedBy: "\n")
    if all.last == "" { all.removeLast() }
    files[path] = all
    return all
}

@MainActor func slice(_ command: [String: Any]) -> ArraySlice<String> {
    let all = lines(command["file"] as? String ?? "")
    let start = min(command["start"] as? Int ?? 0, all.count)
    let count = command["count"] as? Int ?? all.count
    return all[start..<min(all.count, start + count)]
}

while let line = readLine() {
    guard let data = line.data(using: .utf8),
          let command = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let cmd = command["cmd"] as? String
    else { fail("bad command line: \(line)") }
    switch cmd {
    case "latency":
        var times: [Double] = []
        var cpu: [Double] = []
        var entities: [[[Any]]] = []
        for text in slice(command) {
            let start = now(), startCPU = cpuTime()
            let found = recognizer.recognize(text)
            times.append(now() - start)
            cpu.append(cpuTime() - startCPU)
            entities.append(found.map { [$0.start, $0.end, $0.type] as [Any] })
        }
        emit(["times": times, "cpu": cpu, "entities": entities])
    case "entities":
        let out = slice(command).map { text in recognizer.recognize(text).map { [$0.start, $0.end, $0.type] as [Any] } }
        emit(["entities": out])
    case "throughput":
        let all = lines(command["file"] as? String ?? "")
        let batch = command["batch"] as? Int ?? 32
        let start = now()
        var i = 0
        while i < all.count {
            _ = recognizer.recognize(batch: Array(all[i..<min(all.count, i + batch)]))
            i += batch
        }
        emit(["seconds": now() - start, "texts": all.count])
    case "status":
        emit(memory())
    case "reset_hwm":
        // Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current RSS.
        let ok = FileManager.default.createFile(atPath: "/proc/self/clear_refs", contents: "5".data(using: .utf8))
            || (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        var out = memory()
        out["reset"] = ok
        emit(out)
    case "quit":
        exit(0)
    default:
        fail("unknown command \(cmd)")
    }
}
