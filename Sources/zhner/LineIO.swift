#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NERCore

/// Reads a file (or stdin) line by line in bounded memory, decoding each line from `encoding` (a
/// BOM is skipped, never part of the text); lines are split on "\n" and a trailing "\r" is
/// dropped. A final line without "\n" still counts; undecodable bytes are an error naming the
/// line and their byte offset.
final class LineReader {
    private let fd: Int32
    private let name: String
    private let encoding: InputEncoding
    /// The decoder in use; nil while `auto` has seen only ASCII lines.
    private var decoder: LineDecoder?
    /// What made `auto` pick `decoder`, for messages about later lines.
    private var autoChoice = ""
    private var checkedByteOrderMark = false
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

    init(path: String, encoding: InputEncoding = .utf8) throws {
        switch encoding {
        case .utf8: decoder = .utf8
        case .gb18030: decoder = .iconv(try Iconv(from: "GB18030"))
        case .gbk: decoder = .iconv(try Iconv(from: "GBK"))
        case .utf16: decoder = .utf16(bigEndian: false)
        case .auto: decoder = nil
        }
        self.encoding = encoding
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
        if !checkedByteOrderMark { try skipByteOrderMark() }
        let newline = decoder?.newline ?? [0x0A]
        while true {
            if let nl = findNewline(newline) {
                let line = try decode(buffer[start..<nl])
                start = nl + newline.count
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

    /// A BOM sets UTF-16's byte order and `auto`'s encoding; it is consumed, so offsets count
    /// from the text's first character.
    private func skipByteOrderMark() throws {
        let utf8: [UInt8] = [0xEF, 0xBB, 0xBF], little: [UInt8] = [0xFF, 0xFE], big: [UInt8] = [0xFE, 0xFF]
        // U+FEFF in GB18030 (a four-byte sequence GBK does not have).
        let gb18030: [UInt8] = [0x84, 0x31, 0x95, 0x33]
        let marks = (encoding == .utf8 || encoding == .auto ? [utf8] : []) + (encoding == .utf16 || encoding == .auto ? [little, big] : [])
            + (encoding == .gb18030 || encoding == .auto ? [gb18030] : [])
        // Read only while the bytes so far could still begin a BOM: an interactive writer that
        // sends "a\n" and waits for its record must get it.
        while !eof, marks.contains(where: { $0.count > buffer.count - start && $0.starts(with: buffer[start...]) }) { try fill() }
        checkedByteOrderMark = true
        guard let mark = marks.first(where: { buffer[start...].starts(with: $0) }) else { return }
        decoder = mark == utf8 ? .utf8 : mark == gb18030 ? .iconv(try Iconv(from: "GB18030")) : .utf16(bigEndian: mark == big)
        autoChoice = " (chosen by --encoding auto from the BOM)"
        start += mark.count
    }

    /// The first newline at or after `start`, on a code-unit boundary.
    private func findNewline(_ newline: [UInt8]) -> Int? {
        if newline.count == 1 { return buffer[start...].firstIndex(of: newline[0]) }
        var i = start
        while i + newline.count <= buffer.count {
            if buffer[i..<(i + newline.count)].elementsEqual(newline) { return i }
            i += newline.count
        }
        return nil
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
        let decoder = try self.decoder ?? choose(for: bytes)
        var text: String
        do {
            text = try decoder.decode(bytes)
        } catch {
            throw invalid(bytes, error, encoding: decoder.name + (encoding == .auto ? autoChoice : ""))
        }
        if text.unicodeScalars.last == "\r" { text.unicodeScalars.removeLast() }
        return text
    }

    /// `auto` without a BOM: an ASCII line reads the same in either encoding and decides nothing;
    /// the first other line picks UTF-8 if it is valid UTF-8, else GB18030 if it fits.
    private func choose(for bytes: ArraySlice<UInt8>) throws -> LineDecoder {
        if !bytes.contains(where: { $0 >= 0x80 }) { return .utf8 }
        if String(validating: bytes, as: UTF8.self) != nil {
            decoder = .utf8
            autoChoice = " (chosen by --encoding auto from line \(lineNumber))"
            return .utf8
        }
        let gb18030 = LineDecoder.iconv(try Iconv(from: "GB18030"))
        do {
            _ = try gb18030.decode(bytes)
        } catch {
            throw invalid(bytes, error, encoding: "UTF-8 or GB18030 (--encoding auto)")
        }
        decoder = gb18030
        autoChoice = " (chosen by --encoding auto from line \(lineNumber))"
        return gb18030
    }

    /// Names the line and the bad bytes' offset in the input (0-based, as hex editors count).
    private func invalid(_ line: ArraySlice<UInt8>, _ failure: DecodeFailure, encoding encodingName: String) -> CLIError {
        let at = dropped + line.startIndex + failure.offset
        let shown = failure.bytes.map { "0x" + ($0 < 0x10 ? "0" : "") + String($0, radix: 16, uppercase: true) }
        let hint = encoding == .utf8 ? "; for GB18030, GBK or UTF-16 text pass --encoding (auto detects them)" : ""
        return CLIError.data("\(name) line \(lineNumber) is not valid \(encodingName) at byte offset \(at) "
            + "(\(shown.joined(separator: " ")))\(hint)")
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

/// Whether two paths name one existing file or folder (same device and inode, through symlinks and
/// any spelling), so that a command never truncates or replaces what it is about to read.
func isSameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat(), sb = stat()
    guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
}

/// A small file's whole contents (a lexicon, a key). Missing, a folder, or unreadable is an I/O
/// error (exit 74) naming `what`; a device or FIFO reads as its bytes (/dev/null: none), where
/// FileManager.contents(atPath:) gave nil and the caller's "cannot read" for an empty file.
func readWholeFile(_ path: String, _ what: String) throws -> Data {
    do {
        return try FileBytes.read(path, streams: true)
    } catch {
        throw CLIError.io("cannot read \(what) \(path): \(error.reason)")
    }
}
