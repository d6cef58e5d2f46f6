#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` on a thread of its own with a large stack and waits for it.
///
/// Compiling a condition recurses once per nesting level (after macro expansion, up to the
/// loader's bound of 120 levels); callers on small stacks (Swift concurrency's threads, a
/// 512 KiB secondary thread) must not pay for that depth, so loading never runs on theirs.
func onLargeStack(_ body: () -> Void) {
    withoutActuallyEscaping(body) { escapable in
        let context = Unmanaged.passRetained(LargeStackJob(escapable)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 64 << 20)
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { context in
            Unmanaged<LargeStackJob>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        guard started == 0 else {
            // No thread to be had: run here rather than fail.
            Unmanaged<LargeStackJob>.fromOpaque(context).release()
            escapable()
            return
        }
        pthread_join(thread, nil)
    }
}

private final class LargeStackJob {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
