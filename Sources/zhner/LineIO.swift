#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or stdin) line by line in bounded memory; lines are split on "\n" and a trailing
/// "\r" is dropped. A final line without "\n" still counts; invalid UTF-8 is an error naming it.
final class LineReader {
    private let fd: Int32
    private let name: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private(set) var lineNumber = 0
    /// Bytes dropped from the front of `buffer` so far: with `start`, the offset of the next line.
    private var dropped = 0
    /// Size of the input when it is a regular file (also stdin redirected from one), else nil.
    let totalBytes: Int?

    /// Bytes of the input consumed by the lines returned so far.
    var offset: Int { dropped + start }

    init(path: String) throws {
        if path == "-" {
            fd = 0
            name = "stdin"
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            name = path
            guard fd >= 0 else { throw CLIError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        }
        var info = stat()
        totalBytes = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    deinit {
        if fd > 0 { close(fd) }
    }

    func next() throws -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let line = try decode(buffer[start..<nl])
                start = nl + 1
                return line
            }
            if eof {
                guard start < buffer.count else { return nil }
                let line = try decode(buffer[start...])
                start = buffer.count
                return line
            }
            try fill()
        }
    }

    private func fill() throws {
        if start > 0 {
            buffer.removeFirst(start)
            dropped += start
            start = 0
        }
        let chunk = 1 << 20
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
        if n < 0 {
            buffer.removeLast(chunk)
            if errno == EINTR { return }
            throw CLIError.io("cannot read \(name): \(String(cString: strerror(errno)))")
        }
        buffer.removeLast(chunk - n)
        if n == 0 { eof = true }
    }

    private func decode(_ bytes: ArraySlice<UInt8>) throws -> String {
        lineNumber += 1
        var b = bytes
        if b.last == 0x0D { b = b.dropLast() }
        guard let s = String(validating: b, as: UTF8.self) else {
            throw CLIError.data("\(name) line \(lineNumber) is not valid UTF-8")
        }
        return s
    }
}

/// Buffered output to a file or stdout.
final class OutputWriter {
    private let fd: Int32
    private let name: String
    private var buffer: [UInt8] = []

    init(path: String) throws {
        if path == "-" {
            fd = 1
            name = "stdout"
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            name = path
            guard fd >= 0 else { throw CLIError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        }
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { systemWrite(fd, $0.baseAddress! + done, buffer.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError.io("cannot write \(name): \(String(cString: strerror(errno)))")
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit {
        if fd > 1 { close(fd) }
    }
}

/// `write(2)`, named apart from the method above.
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    write(fd, p, n)
}
