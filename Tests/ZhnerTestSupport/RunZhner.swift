import Foundation

/// Paths and a process runner shared by the test targets that run the `zhner` binary as a user would.
public enum Zhner {
    /// The test runner and the `zhner` executable are built into the same directory.
    public static let binary: String = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("zhner").path

    /// The tiny BERT fixture model: loads in milliseconds, so tests can start many processes.
    public static let tinyModel: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../NERCoreTests/Fixtures/models/tiny-bert").standardized.path

    /// The shipped default model (BiLSTM-CRF): for behaviour that only a real model's CRF shows.
    public static var defaultModel: String { repository + "/models/default" }

    /// A new empty folder under the system's temporary directory; the caller removes it.
    public static func scratchDirectory(_ prefix: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The `entities` of one `zhner tag` JSONL record.
    public static func entities(inRecord line: some StringProtocol) throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["entities"] as! [[String: Any]]
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// This process's environment without its ZHNER_ variables (a developer's ZHNER_MODEL must not
    /// change what a test sees), plus the ones a test wants.
    public static func environment(adding extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ZHNER_") }.merging(extra) { $1 }
    }

    /// The repository the tests were built from.
    public static let repository: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized.path

    /// Runs `zhner` (or `executable`: a copy of it, or a tool such as make) once to completion,
    /// with `environment(adding:)`, in `directory` (default: this process's working directory).
    public static func run(_ args: [String], stdin: Data = Data(), environment: [String: String] = [:],
                           executable: String = binary, directory: String? = nil) throws -> Result
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = Self.environment(adding: environment)
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Files rather than pipes for stdin/stderr: no extra threads, no pipe-buffer deadlocks.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-run-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inURL = scratch.appendingPathComponent("stdin")
        let errURL = scratch.appendingPathComponent("stderr")
        try stdin.write(to: inURL)
        try Data().write(to: errURL)
        let output = Pipe()
        p.standardInput = try FileHandle(forReadingFrom: inURL)
        p.standardOutput = output
        p.standardError = try FileHandle(forWritingTo: errURL)
        try p.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
