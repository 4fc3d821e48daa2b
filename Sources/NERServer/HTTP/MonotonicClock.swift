import Dispatch

/// The one clock of the server: monotonic nanoseconds (never jumps with the wall clock), for
/// arrival times, read deadlines, request deadlines and the shutdown grace.
enum MonotonicClock {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
