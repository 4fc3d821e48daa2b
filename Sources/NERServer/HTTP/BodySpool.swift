#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request body kept in a file instead of memory: a document sent as `text/plain` to a streaming
/// route (docs/API.md, "Documents"), read back in blocks while it is recognised, so that its
/// size costs disk, not memory. The file has no name (`O_TMPFILE`, else unlinked at once): nothing
/// is left behind however the process ends, and no other process can open it.
final class BodySpool: @unchecked Sendable {
    private let fd: Int32
    /// Bytes written; touched by the polling thread while the body arrives, then only read.
    private(set) var size = 0
    let limit: Int
    /// The body went past `limit`: the rest is read and dropped.
    private(set) var exceeded = false
    /// A write failed (the disk is full, say): the errno, the body is incomplete.
    private(set) var writeError: Int32?
    /// A read came back short: what a reader got ended early (never expected of a local file, but
    /// a text silently cut there would be worse than an error).
    private(set) var readFailed = false

    /// A spool in `directory`, for at most `limit` bytes; the errno when no file can be made there.
    init(directory: String, limit: Int) throws(SpoolError) {
        self.limit = limit
        #if os(Linux)
        // O_TMPFILE is a macro the Glibc module does not export: __O_TMPFILE (0o20000000 on
        // x86-64 and arm64 alike) with O_DIRECTORY.
        var fd = open(directory, 0o20000000 | O_DIRECTORY | O_RDWR | O_CLOEXEC, 0o600)
        #else
        var fd: Int32 = -1
        #endif
        if fd < 0 {
            // Filesystems without O_TMPFILE: a named file, unlinked before anything is written.
            var template = Array((directory + "/zhner-spool-XXXXXX").utf8CString)
            fd = mkstemp(&template)
            if fd >= 0 { unlink(template) }
        }
        guard fd >= 0 else { throw SpoolError(errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard !exceeded, writeError == nil else { return }
        guard size + bytes.count <= limit else {
            exceeded = true
            return
        }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(size + done))
            if n < 0 {
                if errno == EINTR { continue }
                writeError = errno
                return
            }
            done += n
        }
        size += bytes.count
    }

    /// The body's bytes from the start, read in blocks (`pread`, so several readers may coexist).
    func bytes() -> Bytes { Bytes(spool: self) }

    struct Bytes: IteratorProtocol {
        private let spool: BodySpool
        private var block: [UInt8] = []
        private var index = 0
        private var offset = 0

        init(spool: BodySpool) { self.spool = spool }

        mutating func next() -> UInt8? {
            if index == block.count {
                guard offset < spool.size else { return nil }
                block = spool.read(at: offset, count: min(64 << 10, spool.size - offset))
                guard !block.isEmpty else { return nil }
                index = 0
                offset += block.count
            }
            defer { index += 1 }
            return block[index]
        }
    }

    /// Up to `count` bytes at `offset`; fewer only if reading fails, which ends the body there.
    private func read(at offset: Int, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        if done < count { readFailed = true }
        out.removeLast(count - done)
        return out
    }
}

struct SpoolError: Error {
    let errno: Int32
    var description: String { String(cString: strerror(errno)) }
}
