import Foundation

/// A file with given contents, alone in a fresh folder under the temporary directory (a lexicon,
/// a key file), for a server to read. `remove()` takes the folder away; call it in a `defer`.
struct ScratchFile {
    let folder: URL
    let path: String

    init(_ name: String, contents: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zhner-test-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent(name).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
