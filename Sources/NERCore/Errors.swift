/// Every error the engine reports. Messages say what is wrong and what to change.
public enum NERError: Error, CustomStringConvertible, Equatable {
    /// A model folder is missing, incomplete or holds something this engine does not support.
    case invalidModel(String)
    /// A file of a model folder is unreadable or malformed: (path, problem).
    case modelFile(String, String)
    /// A caller passed an argument the engine cannot use.
    case invalidArgument(String)
    /// A file that is not the model's could not be read or written (an output folder, a
    /// calibration text): the system's fault or the caller's, not the model's.
    case io(String)

    public var description: String {
        switch self {
        case .invalidModel(let m): return "invalid model: \(m)"
        case .modelFile(let path, let m): return "\(path): \(m)"
        case .invalidArgument(let m), .io(let m): return m
        }
    }
}
