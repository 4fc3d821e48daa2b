#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The progress line `zhner tag` keeps redrawing on stderr: lines and bytes done, the rate, and,
/// when the input's size is known (a regular file), a bar, the percentage and the time left
/// (estimated from the bytes done so far at the average rate since the start).
final class TagProgress {
    private let total: Int?
    private let started = TagProgress.now()
    private var lastDraw: Double = 0
    private var lines = 0
    private var bytes = 0
    private var lastWidth = 0

    init(totalBytes: Int?) { total = totalBytes }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Records `lines` more output records, through byte `offset` of the input; redraws at most
    /// five times a second.
    func advance(lines n: Int, offset: Int) {
        lines += n
        bytes = offset
        let t = TagProgress.now()
        if t - lastDraw >= 0.2 {
            lastDraw = t
            draw(line(elapsed: t - started))
        }
    }

    /// The last state, and a newline so the shell prompt starts on its own line.
    func finish() {
        draw(line(elapsed: TagProgress.now() - started))
        emit("\n")
    }

    func line(elapsed: Double) -> String {
        let seconds = max(elapsed, 1e-3)
        let rate = "\(Self.grouped(Int((Double(lines) / seconds).rounded()))) lines/s, \(Self.size(Double(bytes) / seconds))/s"
        guard let total, total > 0 else {
            return "zhner tag: \(Self.grouped(lines)) lines, \(Self.size(Double(bytes))), \(rate), \(Self.clock(elapsed)) elapsed"
        }
        let fraction = min(1, Double(bytes) / Double(total))
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(format: "%5.1f%%", fraction * 100)
        let eta = bytes > 0 ? Self.clock(elapsed / fraction - elapsed) : "--:--"
        return "zhner tag [\(bar)] \(percent) \(Self.size(Double(bytes)))/\(Self.size(Double(total))), "
            + "\(Self.grouped(lines)) lines, \(rate), ETA \(eta)"
    }

    /// Rewrites the line in place: carriage return, text, then spaces over any longer old text.
    private func draw(_ text: String) {
        let width = text.count
        emit("\r" + text + String(repeating: " ", count: max(0, lastWidth - width)))
        lastWidth = width
    }

    private func emit(_ s: String) {
        var s = s
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        return String(digits)
    }

    static func size(_ bytes: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = bytes
        var u = 0
        while v >= 1000, u < units.count - 1 {
            v /= 1000
            u += 1
        }
        return u == 0 ? "\(Int(v)) B" : String(format: "%.1f", v) + " " + units[u]
    }

    /// H:MM:SS, or M:SS under an hour.
    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60)
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(sec))" : "\(m):\(two(sec))"
    }
}
