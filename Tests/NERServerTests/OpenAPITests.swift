import Foundation
@testable import NERServer
import Testing

/// The OpenAPI document the server embeds (docs/openapi.json, the single source; APITests checks
/// that it is served byte for byte): valid JSON, every route described, no dangling reference.
struct OpenAPITests {
    @Test func specDescribesEveryRoute() throws {
        let spec = try JSONSerialization.jsonObject(with: Data(OpenAPI.spec)) as! [String: Any]
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
}
