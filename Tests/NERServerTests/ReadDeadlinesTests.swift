@testable import NERServer
import Testing

/// The request-timeout clock's arithmetic (`ReadDeadlines.Clock`). Its race — a connection
/// answered between the watch reading the clock and taking the lock starts later than the watch's
/// "now" — crashed the server under load (the overload test, in CI); here it is made to happen.
@Suite struct ReadDeadlinesTests {
    @Test func aClockStartedAfterNowIsNotOverdue() {
        let clock = ReadDeadlines.Clock(socket: -1, since: 2_000_000)
        #expect(!clock.isOverdue(at: 1_000_000, limit: 10))
        #expect(!clock.isOverdue(at: 2_000_000, limit: 10))
    }

    @Test func overdueJustPastTheLimit() {
        let clock = ReadDeadlines.Clock(socket: -1, since: 2_000_000)
        #expect(!clock.isOverdue(at: 2_000_010, limit: 10))
        #expect(clock.isOverdue(at: 2_000_011, limit: 10))
    }
}
