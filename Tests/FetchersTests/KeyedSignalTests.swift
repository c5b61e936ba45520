import FlakeLockBasics
import Testing

/// The one-shot signal the archive of a ref waits on until a host's API has answered.
@Suite struct KeyedSignalTests {
    @Test func waitersResumeWhenTheirKeyFires() async {
        let signal = KeyedSignal()
        let waiter = Task {
            await signal.wait("a")
            return signal.isFired("a")
        }
        #expect(signal.fire("b"))
        #expect(!signal.isFired("a"))
        #expect(signal.fire("a"))
        #expect(!signal.fire("a"), "a second fire is not the first")
        #expect(await waiter.value)
        // Once fired, waiting returns at once.
        await signal.wait("a")
    }

    @Test func cancellingAWaiterEndsItsWait() async {
        let signal = KeyedSignal()
        let waiter = Task {
            await signal.wait("never")
            return Task.isCancelled
        }
        waiter.cancel()
        #expect(await waiter.value)
        #expect(!signal.isFired("never"))
    }
}
