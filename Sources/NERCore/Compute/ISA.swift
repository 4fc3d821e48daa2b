import CKernels
import Foundation

/// The instruction-set path the kernels run on.
public enum ISA: String, Sendable, CaseIterable {
    case scalar, avx2, avx512

    var kernel: zk_isa {
        switch self {
        case .scalar: return ZK_ISA_SCALAR
        case .avx2: return ZK_ISA_AVX2
        case .avx512: return ZK_ISA_AVX512
        }
    }

    public var isSupported: Bool { zk_isa_supported(kernel) != 0 }

    /// Every path this CPU can run, slowest first.
    public static var supported: [ISA] { allCases.filter(\.isSupported) }

    public static var best: ISA {
        switch zk_best_isa() {
        case ZK_ISA_AVX512: return .avx512
        case ZK_ISA_AVX2: return .avx2
        default: return .scalar
        }
    }

    /// `ZHNER_ISA` when set (an error if this CPU cannot run it), else the best this CPU has.
    public static func fromEnvironment() throws -> ISA {
        guard let raw = ProcessInfo.processInfo.environment["ZHNER_ISA"], !raw.isEmpty else { return best }
        guard let isa = ISA(rawValue: raw.lowercased()) else {
            throw NERError.invalidArgument("ZHNER_ISA=\(raw) is not one of scalar, avx2, avx512")
        }
        guard isa.isSupported else {
            let have = supported.map(\.rawValue).joined(separator: ", ")
            throw NERError.invalidArgument("ZHNER_ISA=\(raw): this CPU supports only \(have)")
        }
        return isa
    }
}
