import Foundation
import FuzzSupport
@testable import NERCore

// Model files: malformed safetensors and config.json must give errors, never crashes, hangs or
// reads outside the mapping (ASan). The first byte picks what the rest of the input becomes:
//   0: a model.safetensors, parsed and every tensor read;
//   1: the config.json of a model folder holding the tiny BERT model's real vocabulary and
//      weights, loaded whole (and run, if it loads);
//   2: the config.json of a BiLSTM-CRF folder (no weights: the config checks alone).

private let safetensorsPath = scratchDirectory + "/fuzz.safetensors"
private let bertFolder: String = {
    let dir = scratchDirectory + "/bert"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for f in ["vocab.txt", "model.safetensors", "tokenizer_config.json"] {
        try? FileManager.default.createSymbolicLink(atPath: dir + "/" + f, withDestinationPath: Fixtures.tinyBert + "/" + f)
    }
    return dir
}()

private func readAll(_ file: SafeTensors) {
    for (name, t) in file.tensors {
        invariant(t.offset >= 0 && t.byteCount >= 0, "tensor \(name) has a negative extent")
        let raw = file.bytes(of: t)
        invariant(raw.count == t.byteCount, "tensor \(name) maps \(raw.count) of \(t.byteCount) bytes")
        // Touch every byte: ASan reports any that lie outside the mapping.
        var sum: UInt8 = 0
        for b in raw { sum &+= b }
        if t.elementCount <= 1 << 16, let floats = try? file.floats(name) {
            invariant(floats.count == t.elementCount, "tensor \(name) converts to \(floats.count) of \(t.elementCount) values")
        }
        _ = sum
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFiles(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let content = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0:
        try! content.write(to: URL(fileURLWithPath: safetensorsPath))
        if let file = try? SafeTensors(path: safetensorsPath) { readAll(file) }
    case 1:
        try! content.write(to: URL(fileURLWithPath: bertFolder + "/config.json"))
        // The loaded model must work; the tiny vocabulary keeps any accepted config's sizes small.
        if let r = try? Recognizer(modelDirectory: bertFolder, options: .init(threads: 1)) {
            _ = r.recognize("王小明在北京大学读书。")
        }
    default:
        let path = scratchDirectory + "/bilstm-config.json"
        try! content.write(to: URL(fileURLWithPath: path))
        _ = try? BiLSTMConfig(contentsOf: path)
    }
    return 0
}
