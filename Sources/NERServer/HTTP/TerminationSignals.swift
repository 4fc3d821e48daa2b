#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM (stop), and SIGHUP (reload the lexicon), taken synchronously: blocked in
/// every thread (the mask is inherited, so this must run before any thread starts) and waited for
/// with `sigwait`, so no handler runs at an arbitrary point of arbitrary code.
struct TerminationSignals {
    private var set = sigset_t()

    static func block() -> TerminationSignals {
        var s = TerminationSignals()
        sigemptyset(&s.set)
        sigaddset(&s.set, SIGINT)
        sigaddset(&s.set, SIGTERM)
        sigaddset(&s.set, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &s.set, nil)
        return s
    }

    /// Blocks until one arrives; returns it.
    func wait() -> Int32 {
        var s = set
        var signal: Int32 = 0
        while sigwait(&s, &signal) != 0 {}
        return signal
    }

    /// The signal, if one arrives within `milliseconds`.
    func wait(milliseconds: Int) -> Int32? {
        var s = set
        var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        let signal = sigtimedwait(&s, nil, &timeout)
        return signal > 0 ? signal : nil
    }
}
