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
    /// The thread's credentials (`thread.cap_*`), which exec, set*id and capset change: on their
    /// events the value is the one after the call.
    case credentials

    package enum FdAspect: Sendable {
        /// The fd's number (`fd.num`): the return value on open-like events.
        case number
        /// The peer and the socket's kind (`fd.sip`, `fd.rport`, `fd.type`): what connect and
        /// sendto name in their own arguments.
        case peer
        /// What the fd table holds about the fd (`fd.name`, `fd.lip`, `fd.l4proto`).
        case description
    }

    /// Where the exit data behind the value on events of `info` comes from; nil when the
    /// value needs none. `argument` is the field's own (`fd` of `evt.arg.fd`).
    package func source(on info: SyscallInfo, argument: String?) -> ExitDataSource? {
        switch self {
        case .none:
            return nil
        case .always:
            return .ownExit
        case .credentials:
            switch info.effect {
            case .execve, .setUID, .setGID, .setEffectiveUID, .setEffectiveGID, .credentials(deferred: false): return .ownExit
            default: return nil
            }
        case .parameter(let fixed):
            let indices: [Int]
            if let name = fixed ?? argument {
                guard let index = Int(name).flatMap({ $0 >= 0 ? $0 : nil }) ?? info.parameterIndex(named: name) else { return nil }
                indices = [index]
            } else {
                indices = Array(info.parameters.indices)
            }
            let exitData = indices.filter(info.parameterIsExitData)
            if exitData.isEmpty { return nil }
            // A socket tuple outside accept is the fd table's.
            return exitData.contains { index in
                if case .socketTuple = info.parameters[index].source { return info.effect == .accept }
                return true
            } ? .ownExit : .fdTable
        case .fd(let aspect):
            guard info.fdSource != nil else { return nil }
            // open, socket, eventfd... describe the fd they return from their own arguments;
            // accept (the peer the kernel writes) and dup (a copy of a table entry) do not.
            let describedByArguments: Bool
            switch info.effect {
            case .open, .socket, .newFd: describedByArguments = true
            default: describedByArguments = false
            }
            if info.fdIsReturnValue {
                return aspect == .number || !describedByArguments ? .ownExit : nil
            }
            switch aspect {
            case .number: return nil
            case .peer: return info.setsPeerFromArguments ? nil : .fdTable
            case .description: return .fdTable
            }
        }
    }

    /// Whether the value on events of `info` needs exit data of any source.
    package func needsExitData(on info: SyscallInfo, argument: String?) -> Bool {
        source(on: info, argument: argument) != nil
    }
}

/// Where a value's exit data comes from.
package enum ExitDataSource: Sendable, Equatable {
    /// This call's own exit: its return value or the memory it had the kernel write.
    case ownExit
    /// The fd table, which earlier calls filled in from their return values.
    case fdTable
}
