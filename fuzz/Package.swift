// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for zhner (docs/RELIABILITY.md), kept out of the main package so that a plain
// `swift build` never needs the fuzzer runtime. `make fuzz-build` compiles every module, the main
// package's included, with -sanitize=fuzzer,address in release with -enable-testing (so targets
// reach internal types through @testable import); each target's main.swift hands its entry point
// to libFuzzer's driver. `make test-fuzz` (fuzz/run.sh) runs them.
let package = Package(
    name: "zhner-fuzz",
    dependencies: [.package(name: "zhner", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver", .product(name: "NERCore", package: "zhner")],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        fuzzTarget("FuzzTokenizer", on: "NERCore"),
        fuzzTarget("FuzzRequestDecoding", on: "NERServer"),
        fuzzTarget("FuzzChunking", on: "NERCore"),
        fuzzTarget("FuzzModelFiles", on: "NERCore"),
        fuzzTarget("FuzzPatterns", on: "NERCore"),
    ]
)

/// A fuzz target: an executable that drives one of the main package's libraries.
func fuzzTarget(_ name: String, on library: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: library, package: "zhner")],
        swiftSettings: [.swiftLanguageMode(.v6)]
    )
}
