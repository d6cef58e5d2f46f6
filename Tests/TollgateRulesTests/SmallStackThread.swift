#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread with a 512 KiB stack, for checking that recursion on user input stays bounded.
final class SmallStackThread: @unchecked Sendable {
    let body: @Sendable () -> String
    let continuation: CheckedContinuation<String, Never>

    init(body: @escaping @Sendable () -> String, continuation: CheckedContinuation<String, Never>) {
        self.body = body
        self.continuation = continuation
    }

    func start() {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 512 * 1024)
        let context = Unmanaged.passRetained(self).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(&thread, &attributes, { raw in
            #if canImport(Glibc)
            let pointer = raw
            #else
            let pointer = raw
            #endif
            guard let pointer else { return nil }
            let me = Unmanaged<SmallStackThread>.fromOpaque(pointer).takeRetainedValue()
            me.continuation.resume(returning: me.body())
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        if status != 0 {
            let me = Unmanaged<SmallStackThread>.fromOpaque(context).takeRetainedValue()
            me.continuation.resume(returning: "pthread_create failed")
        }
    }
}
