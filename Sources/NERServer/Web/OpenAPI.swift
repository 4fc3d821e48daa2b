/// The API's OpenAPI 3 description, served at `/openapi.json`: `docs/openapi.json` itself, embedded at
/// build time through the link `Web/openapi.json` (Package.swift), so the served spec and the documented
/// one cannot drift apart. scripts/check_api_docs.py checks docs/API.md against it.
enum OpenAPI {
    static let spec: [UInt8] = PackageResources.openapi_json
}
