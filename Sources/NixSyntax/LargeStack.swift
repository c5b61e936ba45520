import FlakeLockBasics

/// Runs recursive work (parsing, printing deep trees) on a thread with a known, large stack.
///
/// The parser recurses once per nesting level, and unoptimised builds use kilobytes of stack
/// per level; callers may be on threads with small stacks (512 KiB for secondary threads on
/// some platforms). The work is pure CPU and the caller joins the thread at once, so this
/// behaves like an inline call. If a thread can't be created the work runs inline.
enum LargeStack {
    /// 64 MiB of address space; only the pages actually used are committed.
    static let size = 64 << 20

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        guard Platform.runOnThread(stackSize: size, { box.value = body() }) else { return body() }
        guard let value = box.value else { preconditionFailure("LargeStack worker finished without a result") }
        return value
    }
}
