import Foundation
import ZhnerTestSupport

/// A real `zhner serve` process on 127.0.0.1 with a kernel-picked port, as an operator runs it.
final class ServerProcess {
    struct StartFailure: Error, CustomStringConvertible {
        let status: Int32
        let stderr: String
        var description: String { "zhner serve exited \(status) before serving: \(stderr)" }
    }

    let process = Process()
    let port: Int
    /// The `--probe-port` listener's port, when the server has one.
    private(set) var probePort: Int?
    /// Where stderr (the access log) goes: a file, so that no pipe can fill up and block the server.
    private let stderrURL: URL
    private let scratch: URL

    /// Starts the server and waits for its "zhner serving URL" line.
    init(_ args: [String] = [], environment: [String: String] = [:], model: String = Zhner.tinyModel) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-serve-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        stderrURL = scratch.appendingPathComponent("stderr")
        try Data().write(to: stderrURL)
        process.executableURL = URL(fileURLWithPath: Zhner.binary)
        process.arguments = ["serve", "--model", model, "--host", "127.0.0.1", "--port", "0"] + args
        process.environment = Zhner.environment(adding: environment)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        var output = Data()
        var found: Int?
        while found == nil {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
            let text = String(decoding: output, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("zhner serving http://127.0.0.1:") }) {
                found = Int(line.dropFirst("zhner serving http://127.0.0.1:".count).dropLast())
                probePort = text.split(separator: "\n").first { $0.hasPrefix("zhner probes at http://127.0.0.1:") }
                    .flatMap { Int($0.dropFirst("zhner probes at http://127.0.0.1:".count).dropLast()) }
            }
        }
        guard let found else {
            process.waitUntilExit()
            throw StartFailure(status: process.terminationStatus,
                               stderr: String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self))
        }
        port = found
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// What the server wrote to stderr so far.
    var stderr: String { String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self) }

    /// "running", or how the server ended and the end of its stderr: the message for a test that
    /// finds its server gone (a crash under load shows its reason only there).
    var fate: String {
        guard !process.isRunning else { return "running" }
        let how = process.terminationReason == .uncaughtSignal ? "killed by signal" : "exited with status"
        return "\(how) \(process.terminationStatus); stderr ends: \(stderr.suffix(3000))"
    }

    /// SIGTERM, then the exit status once it has exited.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A request that failed because the server is gone, with how it ended.
    struct Gone: Error, CustomStringConvertible {
        let error: any Error
        let fate: String
        var description: String { "\(error); the server \(fate)" }
    }

    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) throws -> HTTPResult {
        do {
            return try RawHTTP.request(port: port, method, path, headers: headers, body: body)
        } catch where !process.isRunning {
            throw Gone(error: error, fate: fate)
        }
    }

    /// POST with a JSON body (a string, sent as its UTF-8 bytes).
    func post(_ path: String, json: String, headers: [String: String] = [:]) throws -> HTTPResult {
        try request("POST", path, headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: Data(json.utf8))
    }
}
