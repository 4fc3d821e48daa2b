// swift-tools-version:6.0
import PackageDescription

// The benchmark's in-process driver for zhner (latency at batch 1 with N intra-op threads, RSS,
// entities for the correctness guard). `zhner tag` cannot time one text at a time or set intra-op
// threads (it parallelises across lines), so the harness links NERCore directly, as the Python
// workers call torch/onnxruntime directly.
//
// `zhner` is a symlink to the repository root (../..): SwiftPM names a path dependency after its
// last path component, and going through the symlink keeps that name fixed whatever the checkout's
// folder is called.
let package = Package(
    name: "zhner-worker",
    dependencies: [.package(path: "zhner")],
    targets: [
        .executableTarget(
            name: "zhner-worker",
            dependencies: [.product(name: "NERCore", package: "zhner")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
