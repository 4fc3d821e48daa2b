import Foundation
@testable import NERServer
import Testing

/// The OpenAPI document: valid JSON, every route described, and `docs/openapi.json` identical to
/// what the server serves.
struct OpenAPITests {
    static let docsFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/openapi.json").standardized

    @Test func specDescribesEveryRoute() throws {
        let spec = try JSONSerialization.jsonObject(with: Data(OpenAPI.spec.utf8)) as! [String: Any]
        #expect((spec["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = spec["paths"] as! [String: [String: Any]]
        for route in Route.allCases {
            let operations = try #require(paths[route.rawValue], "\(route.rawValue) is not documented")
            let methods = Set(route.methods.map { $0.lowercased() }).subtracting(["head"])
            #expect(Set(operations.keys) == methods, "\(route.rawValue)")
        }
        #expect(paths.count == Route.allCases.count)
        // Every $ref points at something that exists.
        let components = spec["components"] as! [String: [String: Any]]
        var refs: [String] = []
        func collect(_ value: Any) {
            if let d = value as? [String: Any] {
                if let r = d["$ref"] as? String { refs.append(r) }
                d.values.forEach(collect)
            } else if let a = value as? [Any] {
                a.forEach(collect)
            }
        }
        collect(spec)
        for ref in Set(refs) {
            let parts = ref.split(separator: "/")
            #expect(parts.count == 4 && components[String(parts[2])]?[String(parts[3])] != nil, "dangling \(ref)")
        }
    }

    /// Writes docs/openapi.json when it differs (then fails, so the change is seen and committed).
    @Test func docsFileIsTheServedSpec() throws {
        let onDisk = try? String(contentsOf: Self.docsFile, encoding: .utf8)
        if onDisk != OpenAPI.spec {
            try OpenAPI.spec.write(to: Self.docsFile, atomically: true, encoding: .utf8)
        }
        #expect(onDisk == OpenAPI.spec, "docs/openapi.json was out of date and has been rewritten; commit it")
    }
}
