import Foundation
import Testing
import ZhnerTestSupport

/// docs/API.md: keys from --api-key, ZHNER_API_KEYS and --api-key-file are all accepted together;
/// none of the sources replaces another.
struct KeySourcesTests {
    @Test func keysFromEverySourceAreAccepted() throws {
        let dir = try Zhner.scratchDirectory("zhner-keys")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "# one per line\nkey-from-file\n".write(toFile: dir + "/keys", atomically: true, encoding: .utf8)
        let server = try ServerProcess(["--api-key", "key-from-flag,key-from-flag-2", "--api-key-file", dir + "/keys"],
                                       environment: ["ZHNER_API_KEYS": "key-from-env-1, key-from-env-2"])
        let body = Texts.json(["text": Texts.sentence])
        for key in ["key-from-flag", "key-from-flag-2", "key-from-env-1", "key-from-env-2", "key-from-file"] {
            let r = try server.post("/v1/entities", json: body, headers: ["Authorization": "Bearer \(key)"])
            #expect(r.status == 200, "\(key)")
        }
        #expect(try server.post("/v1/entities", json: body, headers: ["Authorization": "Bearer key-from-nowhere"]).status == 401)
        // The file named by ZHNER_API_KEY_FILE counts as well.
        let viaVariable = try ServerProcess(["--api-key", "key-from-flag"],
                                            environment: ["ZHNER_API_KEYS": "key-from-env-1", "ZHNER_API_KEY_FILE": dir + "/keys"])
        for key in ["key-from-flag", "key-from-env-1", "key-from-file"] {
            #expect(try viaVariable.post("/v1/entities", json: body, headers: ["Authorization": "Bearer \(key)"]).status == 200, "\(key)")
        }
    }
}
