#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where `zhner` finds its model when no `--model` is given (HelpText.modelSearch states the
/// order). Everything but `ZHNER_MODEL` is found relative to the executable's real path, not the
/// working directory, so an installed or copied binary works from any folder.
enum DefaultModel {
    /// A place a model may be, with the name of the rule that gives it, for messages.
    struct Candidate {
        let path: String
        let origin: String
    }

    /// The executable-relative places, in search order.
    static func candidates(executable: String) -> [Candidate] {
        let dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        var out = [
            Candidate(path: dir.appendingPathComponent("models/default").path, origin: "beside the executable"),
            Candidate(path: dir.appendingPathComponent("../share/zhner/models/default").standardized.path, origin: "install layout"),
        ]
        // A build inside a checkout lives in <checkout>/.build/<triple>/<config>/zhner.
        if let range = executable.range(of: "/.build/") {
            out.append(Candidate(path: String(executable[..<range.lowerBound]) + "/models/default", origin: "checkout"))
        }
        return out
    }

    /// The model folder to load: the explicit one, else `ZHNER_MODEL` (used as given, so a wrong
    /// value is an error rather than a silent fallback), else the first candidate holding a model.
    static func resolve(_ explicit: String?) throws -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["ZHNER_MODEL"], !env.isEmpty { return env }
        let places = candidates(executable: executablePath())
        if let found = places.first(where: { FileManager.default.fileExists(atPath: $0.path + "/config.json") }) {
            return found.path
        }
        let looked = places.map { "\($0.path) (\($0.origin))" }.joined(separator: ", ")
        throw CLIError.model("no model found; pass --model DIR or set ZHNER_MODEL (looked in \(looked))")
    }

    /// The running binary's real path: /proc/self/exe on Linux, since argv[0] is a bare name when
    /// the binary is found through PATH.
    static func executablePath() -> String {
        #if os(Linux)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { readlink("/proc/self/exe", $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        if n > 0 { return String(decoding: buffer[..<n], as: UTF8.self) }
        #endif
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }
}
