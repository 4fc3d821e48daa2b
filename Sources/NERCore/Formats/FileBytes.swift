#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A whole file of a model folder or corpus, with a reason a person can act on when it cannot be
/// read: Foundation's errors said "The operation could not be completed (NSCocoaErrorDomain error
/// 256)" for a folder, and "You don't have permission" for a FIFO, which would also block a reader.
public enum FileBytes {
    public struct Unreadable: Error {
        public let reason: String
    }

    /// `streams`: a FIFO or device is read to its end too (a small file a user names: `/dev/null`
    /// as an empty lexicon, `<(...)`); model files and corpora take regular files only.
    public static func read(_ path: String, streams: Bool = false) throws(Unreadable) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Unreadable(reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw Unreadable(reason: "it is a folder, not a file")
        default: if !streams { throw Unreadable(reason: "not a regular file (a FIFO, socket or device)") }
        }
        do {
            // A FileHandle, since Data(contentsOf:) refuses a character device such as /dev/null.
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            return try handle.readToEnd() ?? Data()
        } catch {
            throw Unreadable(reason: access(path, R_OK) == 0 ? "read failed" : "permission denied")
        }
    }
}
