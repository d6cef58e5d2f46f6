import TollgateEvents

/// Whether a field's value on an event needs exit data (`SyscallInfo.parameterIsExitData`):
/// the return value, memory the kernel writes, or the fd table, which open/socket/accept fill
/// in under the number they return. A backend without exit data (seccomp) cannot know it.
package enum ExitDataDependence: Sendable {
    /// Never (paths, flags and other entry arguments, process state).
    case none
    /// On every event (`evt.res`, `evt.rawres`, `evt.failed`).
    case always
    /// The event parameter named by the field's argument (`evt.arg.fd`, `evt.arg[0]`), or
    /// every parameter when the field takes none (`evt.args`).
    case parameter(fixed: String? = nil)
    /// An `fd.*` field of this aspect.
    case fd(FdAspect)

    package enum FdAspect: Sendable {
        /// The fd's number (`fd.num`): the return value on open-like events.
        case number
        /// The peer and the socket's kind (`fd.sip`, `fd.rport`, `fd.type`): what connect and
        /// sendto name in their own arguments.
        case peer
        /// What the fd table holds about the fd (`fd.name`, `fd.lip`, `fd.l4proto`).
        case description
    }

    /// Whether the value on events of `info` needs exit data; `argument` is the field's own
    /// (`fd` of `evt.arg.fd`).
    package func needsExitData(on info: SyscallInfo, argument: String?) -> Bool {
        switch self {
        case .none:
            return false
        case .always:
            return true
        case .parameter(let fixed):
            guard let name = fixed ?? argument else { return info.parameters.indices.contains(where: info.parameterIsExitData) }
            guard let index = Int(name).flatMap({ $0 >= 0 ? $0 : nil }) ?? info.parameterIndex(named: name) else { return false }
            return info.parameterIsExitData(index)
        case .fd(let aspect):
            guard info.fdSource != nil else { return false }
            // open, socket, eventfd... describe the fd they return from their own arguments;
            // accept (the peer the kernel writes) and dup (a copy of a table entry) do not.
            let describedByArguments: Bool
            switch info.effect {
            case .open, .socket, .newFd: describedByArguments = true
            default: describedByArguments = false
            }
            switch aspect {
            case .number: return info.fdIsReturnValue
            case .peer: return info.fdIsReturnValue ? !describedByArguments : !info.setsPeerFromArguments
            case .description: return !(info.fdIsReturnValue && describedByArguments)
            }
        }
    }
}
