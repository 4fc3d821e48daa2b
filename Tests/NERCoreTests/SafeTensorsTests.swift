import Foundation
import Testing
@testable import NERCore

/// Malformed files give errors that say what is wrong, never crashes.
struct SafeTensorsTests {
    func file(header: String, data: [UInt8] = [], lengthOverride: UInt64? = nil) throws -> String {
        let dir = try temporaryDirectory()
        var bytes = [UInt8]()
        var n = (lengthOverride ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { bytes += $0 }
        bytes += Array(header.utf8) + data
        let path = dir + "/model.safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func error(_ path: String) -> String? {
        do {
            _ = try SafeTensors(path: path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func validFileParses() throws {
        let path = try file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}"#,
                            data: [0, 0, 128, 63, 0, 0, 0, 64])
        let st = try SafeTensors(path: path)
        #expect(try st.floats("a") == [1, 2])
        #expect(st.metadata == ["k": "v"])
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "needs 12 bytes"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, "outside"),
        (#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, "unsupported dtype"),
        (#"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,8]}}"#, "bad shape"),
        (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, "bad shape"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, "outside"),
        (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, "overflow"),
        (#"{"a":{"dtype":"F32"}}"#, "needs dtype"),
        (#"[1,2]"#, "not a JSON object"),
        (#"{"a": "#, "not a JSON object"),
        (#"{"__metadata__":{"k":1}}"#, "not a string"),
    ])
    func malformedHeaderIsAnError(_ header: String, _ expected: String) throws {
        let path = try file(header: header, data: [UInt8](repeating: 0, count: 8))
        let message = try #require(error(path))
        #expect(message.contains(expected), "\(message)")
        #expect(message.contains(path))
    }

    @Test func truncatedAndLyingLengths() throws {
        let dir = try temporaryDirectory()
        let short = dir + "/short.safetensors"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(error(short)?.contains("shorter than") == true)
        let lying = try file(header: "{}", lengthOverride: 1 << 40)
        #expect(error(lying)?.contains("does not fit") == true)
        #expect(error(dir + "/missing.safetensors")?.contains("cannot open") == true)
        #expect(error(dir)?.contains("not a regular file") == true)
    }
}
