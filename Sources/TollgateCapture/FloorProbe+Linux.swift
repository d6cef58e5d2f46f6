import CTollgate

/// tollgate's tracepoints with empty programs attached: what a benchmark compares against
/// to learn the cost this machine charges for merely enabling the hooks.
package final class FloorProbe {
    private let attached: OpaquePointer

    package init() throws(CaptureStartError) {
        var message = [CChar](repeating: 0, count: 512)
        let opened = EmbeddedBPF.floor.withUnsafeBytes { object in
            tg_capture_open(object.baseAddress, object.count, nil, nil, nil, &message, message.count)
        }
        guard let opened else { throw CaptureStartError(backend: .ebpf, message: String(cString: message)) }
        attached = opened
    }

    deinit {
        tg_capture_close(attached)
    }
}
