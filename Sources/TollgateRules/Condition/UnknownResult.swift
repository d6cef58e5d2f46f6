import TollgateEvents

/// A call whose result the backend cannot see (seccomp: `returnValueUnknown`) is taken for a
/// success, as `evt.failed=false` already takes it: a check on the result that every
/// successful call passes (`fd.num>=0` on the fd an open returns, `evt.rawres>=0`,
/// `evt.res=SUCCESS`) passes on it. A rule may then also fire on a failed attempt; it never
/// stays quiet on a call that succeeded.
enum UnknownResult {
    /// The fields whose value is the call's result (or the fd it returned).
    static let fields: Set<String> = ["fd.num", "evt.rawres", "evt.res"]

    /// Whether `condition` reads the call's result: one of `fields`, or `evt.failed`.
    static func isRead(by condition: ConditionNode) -> Bool {
        switch condition {
        case .and(let children, _), .or(let children, _): return children.contains(where: isRead)
        case .not(let child, _), .macro(_, let child, _): return isRead(by: child)
        case .identifier: return false
        case .unary(let operand, _, _), .binary(let operand, _, _, _):
            guard let field = operand.innermostField?.name else { return false }
            return fields.contains(field) || field == "evt.failed"
        }
    }

    /// Whether every successful call's value passes `op values`: a non-negative number for
    /// `fd.num` and `evt.rawres`, `SUCCESS` for `evt.res`.
    static func everySuccessPasses(_ op: BinaryOperator, _ values: [String]) -> Bool {
        guard op.modifier == nil, values.count == 1 else { return false }
        let value = values[0]
        if let number = Int64(value) {
            switch op.base {
            case .greaterOrEqual: return number <= 0
            case .greater: return number < 0
            case .notEqual: return number < 0
            default: return false
            }
        }
        return value == "SUCCESS" && [.equal, .doubleEqual].contains(op.base)
    }

    /// The backend did not see the result of `event`'s call.
    static func isUnknown(_ event: Event) -> Bool {
        event.raw.kind == .syscall && event.raw.flags.contains(.returnValueUnknown)
    }

    /// `field` has no value on `event` because the call's result is unknown (for `fd.num`: the
    /// fd is the one the call returns).
    static func applies(to event: Event, field: String) -> Bool {
        isUnknown(event) && (field != "fd.num" || event.info.fdIsReturnValue)
    }
}
