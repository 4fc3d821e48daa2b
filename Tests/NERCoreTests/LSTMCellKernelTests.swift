// The LSTM cell kernel against a Float64 reference, on every ISA path this CPU runs (KernelTests.swift
// holds the other kernels and the output sentinel).
import CKernels
import Foundation
import Testing
@testable import NERCore

private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

@Test(arguments: ISA.supported)
func lstmCellMatchesReference(isa: ISA) {
    let B = 2
    var rng = SplitMix(state: 6)
    for H in [1, 5, 19] {
        let ldg = 4 * H + 1, ldh = H + 2
        // The kernel adds the recurrent part itself: split each pre-activation into two addends.
        let ldr = 4 * H + 3
        let gates = (0..<B * ldg).map { _ in rng.float(6) }
        let rec = (0..<B * ldr).map { _ in rng.float(3) }
        let c0 = (0..<B * ldh).map { _ in rng.float(2) }
        var c = c0
        var h = [Float](repeating: sentinel, count: B * ldh)
        zk_lstm_cell(isa.kernel, Int32(B), Int32(H), gates, Int32(ldg), rec, Int32(ldr), &c, &h, Int32(ldh))
        var bad = 0
        for b in 0..<B {
            for k in 0..<ldh {
                guard k < H else {
                    if h[b * ldh + k] != sentinel || c[b * ldh + k] != c0[b * ldh + k] { bad += 1 }
                    continue
                }
                let g = { (gate: Int) in Double(gates[b * ldg + gate * H + k] + rec[b * ldr + gate * H + k]) }
                let keep = sigmoid(g(1)) * Double(c0[b * ldh + k]), add = sigmoid(g(0)) * tanh(g(2))
                // c can cancel: bound its error by the size of the terms; h is checked from the kernel's c.
                if !(abs(Double(c[b * ldh + k]) - (keep + add)) <= 2e-6 * (abs(keep) + abs(add)) + 1e-30) { bad += 1 }
                let wantH = sigmoid(g(3)) * tanh(Double(c[b * ldh + k]))
                if !(abs(Double(h[b * ldh + k]) - wantH) <= 2e-6 * abs(wantH) + 1e-30) { bad += 1 }
            }
        }
        #expect(bad == 0, "H\(H)")
    }
}
