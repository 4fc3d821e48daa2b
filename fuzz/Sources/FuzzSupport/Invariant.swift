import CFuzzerDriver
import Foundation

/// A property every input must keep. Breaking it aborts, which libFuzzer records as a crash and
/// saves the input (`crash-<sha1>`) for replay.
public func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                      file: StaticString = #fileID, line: UInt = #line)
{
    if !condition() { fatalError("invariant broken: \(message())", file: file, line: line) }
}

/// Paths of the main package's fixtures, found from this file's place in the checkout.
public enum Fixtures {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../..").standardized.path
    public static let tinyBert = root + "/Tests/NERCoreTests/Fixtures/models/tiny-bert"
}

/// A private scratch directory per fuzzing process (libFuzzer workers run side by side).
public let scratchDirectory: String = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-fuzz-\(getpid())").path
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

/// Runs libFuzzer on `target` with this process's arguments and returns its exit status.
public func runFuzzer(_ target: @escaping @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32 {
    zhner_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, target)
}
