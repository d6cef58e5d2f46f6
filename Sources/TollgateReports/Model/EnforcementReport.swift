import TollgateRules

/// What the gate did to the job beyond watching it (`--kill-on`, `--deny-on`).
public struct EnforcementReport: Sendable, Equatable {
    /// The lowest priority that kills the job; nil: none does.
    public var killOn: Priority?
    /// The lowest priority that refuses a call before it runs; nil: none does.
    public var denyOn: Priority?
    /// The error refused calls returned (`EPERM`).
    public var denyErrno: String
    /// The rule the job was killed on, when it was.
    public var killedOn: String?
    /// From when the backend saw that syscall to the gate's kill, in nanoseconds; for a kill in
    /// the kernel, to the death of the thread that made the call.
    public var killLatencyNanoseconds: UInt64?
    /// eBPF's capture program killed the caller itself, at the syscall's exit (`--kill-on` on a
    /// rule it can decide); the gate then killed the rest of the job.
    public var killedInKernel: Bool
    /// The backend cannot refuse calls: `--deny-on` killed the job instead (`killOn` holds it).
    public var denyInsteadKills: Bool

    public init(killOn: Priority?, denyOn: Priority?, denyErrno: String, killedOn: String? = nil,
                killLatencyNanoseconds: UInt64? = nil, killedInKernel: Bool = false, denyInsteadKills: Bool = false) {
        self.killedInKernel = killedInKernel
        self.killOn = killOn
        self.denyOn = denyOn
        self.denyErrno = denyErrno
        self.killedOn = killedOn
        self.killLatencyNanoseconds = killLatencyNanoseconds
        self.denyInsteadKills = denyInsteadKills
    }

    /// `kill on ERROR, deny on WARNING (EPERM)`.
    public var modes: String {
        [killOn.map { "kill on \($0.description)" + (denyInsteadKills ? " (--deny-on: this backend cannot refuse calls)" : "") },
         denyOn.map { "deny on \($0.description) (\(denyErrno))" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    /// `Killed the job on 'CI Read SSH private key', 0.4 ms after its syscall was seen.`, or nil.
    public var killSentence: String? {
        guard let killedOn else { return nil }
        if killedInKernel {
            let latency = killLatencyNanoseconds.map { ", which died " + Self.microseconds($0) + " later" } ?? ""
            return "Killed the job on '\(killedOn)': the capture program killed the caller in the kernel at that syscall's exit\(latency)."
        }
        let latency = killLatencyNanoseconds.map { ", " + Self.milliseconds($0) + " after its syscall was seen" } ?? ""
        return "Killed the job on '\(killedOn)'\(latency)."
    }

    /// `12 µs`.
    private static func microseconds(_ nanoseconds: UInt64) -> String {
        "\((nanoseconds + 500) / 1000) µs"
    }

    /// `0.4 ms`.
    private static func milliseconds(_ nanoseconds: UInt64) -> String {
        let tenths = (nanoseconds + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
