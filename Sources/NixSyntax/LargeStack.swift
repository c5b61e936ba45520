#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs recursive work (parsing, printing deep trees) on a thread with a known, large stack.
///
/// The parser recurses once per nesting level, and unoptimised builds use kilobytes of stack
/// per level; callers may be on threads with small stacks (512 KiB for secondary threads on
/// some platforms). The work is pure CPU and the caller joins the thread at once, so this
/// behaves like an inline call. If a thread can't be created the work runs inline.
enum LargeStack {
    /// 64 MiB of address space; only the pages actually used are committed.
    static let size = 64 << 20

    private final class Job: @unchecked Sendable {
        // Written by the worker thread before it exits; read after `pthread_join`.
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let job = Job { box.value = body() }
        let context = Unmanaged.passRetained(job).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, size)
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let status = pthread_create(&thread, &attributes, { raw in LargeStack.start(raw) }, context)
        guard status == 0 else {
            Unmanaged<Job>.fromOpaque(context).release()
            return body()
        }
        #if canImport(Darwin)
            if let thread { pthread_join(thread, nil) }
        #else
            pthread_join(thread, nil)
        #endif
        guard let value = box.value else { preconditionFailure("LargeStack worker finished without a result") }
        return value
    }

    private static func start(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
        guard let raw else { return nil }
        Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }
}
