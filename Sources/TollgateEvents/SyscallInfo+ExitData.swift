/// What of an event is known only once the call returns: the return value and the memory the
/// kernel writes (accept's peer address, pipe's fds). A backend that sees syscalls at entry
/// only (seccomp user notification) has none of it.
extension SyscallInfo {
    /// Whether parameter `index` (`evt.arg[index]`) is exit data.
    public func parameterIsExitData(_ index: Int) -> Bool {
        guard parameters.indices.contains(index) else { return false }
        switch parameters[index].source {
        case .returnValue, .fdPair: return true
        case .argument(let argument): return outputPayloadArguments.contains(argument)
        case .socketTuple: return !setsPeerFromArguments
        case .payload, .process, .openHow, .cloneFlags, .execFlags, .unavailable: return false
        }
    }

    /// Whether the decoder's process and fd state needs the return value of this call: all
    /// state effects but close do (a failed call changes nothing; close frees its fd even when
    /// it fails).
    public var stateNeedsReturnValue: Bool {
        switch effect {
        case .none, .close: return false
        default: return true
        }
    }

    /// Whether the fd that `fd.*` fields describe is the return value (open, socket, accept).
    public var fdIsReturnValue: Bool { fdSource == .returnValue }

    /// Whether the event itself names its socket's peer in its arguments (connect, sendto),
    /// so the peer is known even when the fd's earlier history is not.
    public var setsPeerFromArguments: Bool {
        switch effect {
        case .connect, .datagram: return true
        default: return false
        }
    }
}
