// swift-tools-version:6.0
import PackageDescription

// The C kernels are compiled with -O3 even in debug builds: the golden tests run
// real models on every ISA path and an unoptimised GEMM would make them crawl.
// ISA-specific code is selected at run time (target attributes + cpu checks),
// so no -march flag is needed and the binary stays portable.
let package = Package(
    name: "zhner",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "NERCore", targets: ["NERCore"]),
        // For the fuzz package (fuzz/), which drives the request decoding of the server.
        .library(name: "NERServer", targets: ["NERServer"]),
        .executable(name: "zhner", targets: ["zhner"]),
    ],
    targets: [
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),
        .target(
            name: "NERCore",
            dependencies: ["CKernels"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .target(
            name: "NERServer",
            dependencies: ["NERCore", "CMicroHTTPD"],
            // The web page and the OpenAPI spec are real files compiled into the binary (Web/WebPage.swift,
            // Web/OpenAPI.swift); Web/openapi.json links to docs/openapi.json, the spec's one source.
            resources: [
                .embedInCode("Web/page/index.html"), .embedInCode("Web/page/app.js"), .embedInCode("Web/page/style.css"),
                .embedInCode("Web/openapi.json"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "zhner",
            dependencies: ["NERCore", "NERServer"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "NERCoreTests",
            dependencies: ["NERCore", "CKernels"],
            resources: [.copy("Fixtures")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Runs the built `zhner` as a user would; shared by the test targets below.
        .target(
            name: "ZhnerTestSupport",
            path: "Tests/ZhnerTestSupport",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["zhner", "ZhnerTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "NERServerTests",
            dependencies: ["NERServer", "zhner", "ZhnerTestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
