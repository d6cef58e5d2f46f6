/// A dense identifier of a Falco event type (a syscall name such as `openat`, or `procexit`).
/// Index into `SyscallTable.all`; cheap to compare and to use as an array index.
public struct EventType: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static func < (a: EventType, b: EventType) -> Bool { a.rawValue < b.rawValue }

    /// The table entry for this type.
    public var info: SyscallInfo { SyscallTable.all[Int(rawValue)] }
    /// Falco's event name (`evt.type`).
    public var name: String { info.name }
    public var description: String { info.name }

    /// Looks a type up by its Falco name.
    public init?(named name: String) {
        guard let info = SyscallTable.info(named: name) else { return nil }
        self = info.type
    }
}

/// One syscall (or process-lifecycle event) as both the capture side and the decoder see it.
/// A class so that passing it around on the hot path costs one reference count, not one per
/// array it holds.
public final class SyscallInfo: Sendable {
    /// Dense id (index into `SyscallTable.all`).
    public let type: EventType
    /// Falco's event name, which for syscalls is the syscall name.
    public let name: String
    /// Native numbers; nil where the syscall does not exist on that architecture.
    public let x86_64: Int32?
    public let arm64: Int32?
    /// The kernel arguments, in register order.
    public let arguments: [SyscallArgument]
    /// Falco's parameters for this event's exit form (`evt.arg.<name>`, `evt.arg[i]`).
    public let parameters: [EventParameter]
    /// The fd that `fd.*` fields refer to, if any.
    public let fdSource: FdSource?
    public let effect: StateEffect
    public let category: SyscallCategory

    init(type: EventType, name: String, x86_64: Int32?, arm64: Int32?, arguments: [SyscallArgument],
         parameters: [EventParameter], fdSource: FdSource?, effect: StateEffect, category: SyscallCategory) {
        self.type = type
        self.name = name
        self.x86_64 = x86_64
        self.arm64 = arm64
        self.arguments = arguments
        self.parameters = parameters
        self.fdSource = fdSource
        self.effect = effect
        self.category = category
        payloadArguments = arguments.indices.filter { arguments[$0].type.needsPayload }
        outputPayloadArguments = payloadArguments.filter { outputArgumentSpecs.contains(OutputArgument(syscall: name, index: $0)) }
        fsPathParameters = Self.fsPathParameters(parameters: parameters, arguments: arguments, category: category,
                                                 effect: effect)
        parameterIndexByName = Dictionary(parameters.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private let parameterIndexByName: [String: Int]

    /// Parameter indexes behind `fs.path.*`: the single path, or the source and target of
    /// two-path calls (rename, link, symlink).
    let fsPathParameters: (name: Int?, source: Int?, target: Int?)

    private static func fsPathParameters(
        parameters: [EventParameter], arguments: [SyscallArgument], category: SyscallCategory, effect: StateEffect
    ) -> (name: Int?, source: Int?, target: Int?) {
        let names = parameters.map(\.name)
        func index(_ candidates: [String]) -> Int? { candidates.lazy.compactMap { names.firstIndex(of: $0) }.first }
        if let source = index(["oldpath", "target"]), let target = index(["newpath", "linkpath"]) {
            return (nil, source, target)
        }
        guard category == .file || effect == .execve else { return (nil, nil, nil) }
        let single = parameters.indices.first { i in
            guard case .argument(let a) = parameters[i].source, a < arguments.count else { return false }
            switch arguments[a].type {
            case .path, .relativePath: return true
            default: return false
            }
        }
        return (single, nil, nil)
    }

    /// The syscall number on `arch`, nil if it does not exist there (or is not a syscall).
    public func number(for arch: Architecture) -> Int32? {
        switch arch {
        case .x86_64: x86_64
        case .arm64: arm64
        }
    }

    /// Kernel argument indexes whose pointed-to memory the capture side must read.
    public let payloadArguments: [Int]

    /// The subset of `payloadArguments` the kernel fills in (accept's peer address, pipe's fds,
    /// recvfrom's source): read them at syscall exit, after a successful return. The others
    /// are inputs, best read at entry.
    public let outputPayloadArguments: [Int]

    /// Index of the Falco parameter called `name`, or nil.
    public func parameterIndex(named name: String) -> Int? { parameterIndexByName[name] }

    /// True for read/write-like calls that are too frequent to capture unless a rule needs them.
    public var isHighVolume: Bool { category == .highVolumeIO }
}
