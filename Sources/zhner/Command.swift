/// A subcommand of `zhner`.
protocol Command {
    static var help: String { get }
    static func run(_ args: [String]) throws
}
