import Foundation

/// Where `zhner` looks for a model when no `--model` is given.
enum DefaultModel {
    /// `ZHNER_MODEL`, then `models/default` beside the working directory, then relative to the
    /// executable (the repo's `.build/<config>/zhner`, or an install's `bin/zhner`).
    static var candidates: [String] {
        var out: [String] = []
        if let env = ProcessInfo.processInfo.environment["ZHNER_MODEL"], !env.isEmpty { out.append(env) }
        out.append(FileManager.default.currentDirectoryPath + "/models/default")
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        out.append(exe.appendingPathComponent("../../models/default").standardized.path)
        out.append(exe.appendingPathComponent("../share/zhner/models/default").standardized.path)
        return out
    }

    static func resolve(_ explicit: String?) throws -> String {
        if let explicit { return explicit }
        let fm = FileManager.default
        if let found = candidates.first(where: { fm.fileExists(atPath: $0 + "/config.json") }) { return found }
        throw CLIError.usage("no model found; pass --model DIR or set ZHNER_MODEL (looked in \(candidates.joined(separator: ", ")))")
    }
}
