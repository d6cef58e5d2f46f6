import CTollgate

/// tollgate's tracepoints with empty programs attached, the syscall-exit one in the same hook
/// mode a capture of `syscallNames` would use: what a benchmark compares against to learn the
/// cost this machine charges for merely enabling the hooks.
package final class FloorProbe {
    private let attached: OpaquePointer
    package let hooks: EBPFHooks

    package init(syscallNames: Set<String>) throws(CaptureStartError) {
        (attached, hooks) = try EBPFHooks.open(EmbeddedBPF.floor, config: nil, syscallNames: syscallNames,
                                               handler: nil, context: nil)
    }

    deinit {
        tg_capture_close(attached)
    }
}
