#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings `zhner tag` and `zhner eval` read (`--encoding`); output is always UTF-8.
enum InputEncoding: String, CaseIterable {
    case utf8 = "utf-8"
    case gb18030
    case gbk
    /// Byte order from the BOM; little-endian (what Windows writes) without one.
    case utf16 = "utf-16"
    /// A BOM (UTF-8, UTF-16LE/BE, GB18030) decides; without one, the first line that is not plain ASCII
    /// does: UTF-8 if it is valid UTF-8, else GB18030 if it is valid GB18030. Later lines must
    /// then be in the same encoding (a file is one encoding; guessing per line would hide mixed-up
    /// input).
    case auto

    static let helpChoices = allCases.map(\.rawValue).joined(separator: "|")

    /// The `--encoding` option of `args`; UTF-8 when it is not given.
    init(option args: Arguments) throws {
        self.init(rawValue: try args.choice("encoding", Self.allCases.map(\.rawValue), default: Self.utf8.rawValue))!
    }
}

/// A decoding failure inside one line: where, in bytes from the line's start, and the bytes.
struct DecodeFailure: Error {
    let offset: Int
    let bytes: [UInt8]
}

/// Turns one line's bytes (newline excluded) into text, in one concrete encoding.
enum LineDecoder {
    case utf8
    case utf16(bigEndian: Bool)
    /// GB18030 or GBK through glibc's iconv.
    case iconv(Iconv)

    var name: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf16(let big): return big ? "UTF-16BE" : "UTF-16LE"
        case .iconv(let converter): return converter.name
        }
    }

    /// The bytes of "\n": one code unit, so a line ends only on a unit boundary.
    var newline: [UInt8] {
        if case .utf16(let big) = self { return big ? [0x00, 0x0A] : [0x0A, 0x00] }
        return [0x0A]
    }

    func decode(_ bytes: ArraySlice<UInt8>) throws(DecodeFailure) -> String {
        switch self {
        case .utf8:
            if let s = String(validating: bytes, as: UTF8.self) { return s }
            throw Self.firstError(in: bytes, as: UTF8.self, unitWidth: 1, units: Array(bytes))
        case .utf16(let big):
            let pairs = bytes.count / 2
            var units = [UInt16]()
            units.reserveCapacity(pairs)
            var i = bytes.startIndex
            for _ in 0..<pairs {
                let (a, b) = (UInt16(bytes[i]), UInt16(bytes[i + 1]))
                units.append(big ? a << 8 | b : b << 8 | a)
                i += 2
            }
            guard let s = String(validating: units, as: UTF16.self) else {
                throw Self.firstError(in: bytes, as: UTF16.self, unitWidth: 2, units: units)
            }
            // Half a code unit left at the end of the line (or of the file).
            guard bytes.count % 2 == 0 else { throw DecodeFailure(offset: bytes.count - 1, bytes: [bytes.last!]) }
            return s
        case .iconv(let converter):
            // ASCII reads the same in GB18030 and GBK: such lines need no conversion.
            if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return try converter.convert(bytes)
        }
    }

    /// Where the first ill-formed sequence of `units` starts, and its bytes.
    private static func firstError<Codec: Unicode.Encoding>(in bytes: ArraySlice<UInt8>, as codec: Codec.Type, unitWidth: Int,
                                                        units: [Codec.CodeUnit]) -> DecodeFailure
    {
        var parser = Codec.ForwardParser()
        var iterator = units.makeIterator()
        var unit = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): unit += encoded.count
            case .error(let length):
                let start = bytes.startIndex + unit * unitWidth
                return DecodeFailure(offset: unit * unitWidth, bytes: Array(bytes[start..<min(start + length * unitWidth, bytes.endIndex)]))
            case .emptyInput: return DecodeFailure(offset: 0, bytes: [])
            }
        }
    }
}

/// A glibc iconv converter to UTF-8, for the GB encodings Swift has no codec for.
final class Iconv {
    let name: String
    private let descriptor: iconv_t

    init(from name: String) throws(CLIError) {
        self.name = name
        let cd = iconv_open("UTF-8", name)
        guard let cd, Int(bitPattern: cd) != -1 else {
            throw CLIError.io("this system's iconv cannot convert \(name): \(String(cString: strerror(errno)))")
        }
        descriptor = cd
    }

    deinit { iconv_close(descriptor) }

    /// One line, decoded as a whole: a sequence cut off at the end of the line is an error too.
    func convert(_ bytes: ArraySlice<UInt8>) throws(DecodeFailure) -> String {
        // Reset the shift state left by an earlier failed line.
        iconv(descriptor, nil, nil, nil, nil)
        var input = Array(bytes)
        // At most 4 UTF-8 bytes per GB18030 character of 1, 2 or 4 bytes: twice the input suffices.
        var output = [UInt8](repeating: 0, count: 2 * input.count + 4)
        var inLeft = input.count
        var outLeft = output.count
        let status = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPointer = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPointer = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                return iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
            }
        }
        if status == -1 {
            let offset = input.count - inLeft
            throw DecodeFailure(offset: offset, bytes: Array(input[offset...].prefix(4)))
        }
        output.removeLast(outLeft)
        return String(decoding: output, as: UTF8.self)
    }
}
