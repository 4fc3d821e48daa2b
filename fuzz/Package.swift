// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for zhner, kept out of the main package so that a plain `swift build` never
// needs the fuzzer runtime. Build with `make -C .. fuzz-build` (see fuzz/README.md): every module,
// the main package's included, is compiled with -sanitize=fuzzer (coverage) and -sanitize=address;
// each target's main.swift hands its entry point to libFuzzer's driver. Debug builds, so internal types are reachable via @testable import.
let package = Package(
    name: "zhner-fuzz",
    dependencies: [.package(name: "zhner", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "FuzzTokenizer",
            dependencies: ["FuzzSupport", .product(name: "NERCore", package: "zhner")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "FuzzRequestDecoding",
            dependencies: ["FuzzSupport", .product(name: "NERServer", package: "zhner")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "FuzzChunking",
            dependencies: ["FuzzSupport", .product(name: "NERCore", package: "zhner")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "FuzzModelFiles",
            dependencies: ["FuzzSupport", .product(name: "NERCore", package: "zhner")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
