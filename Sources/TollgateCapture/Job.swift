/// The command a gate runs, exactly as the user gave it.
public struct JobSpec: Sendable, Equatable {
    /// argv; `command[0]` is searched in `PATH` like a shell would.
    public var command: [String]
    /// `NAME=value` entries, in order, passed through untouched.
    public var environment: [String]
    public var workingDirectory: String

    public init(command: [String], environment: [String], workingDirectory: String) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

/// How a process ended, from its wait(2) status.
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public init(waitStatus status: Int32) {
        let signal = status & 0x7F
        self = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }

    /// The status a shell would report: the exit code, or 128 + N after signal N.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// What happened to the job's processes.
public struct JobOutcome: Sendable, Equatable {
    /// The main process the gate started.
    public var pid: Int32
    public var termination: Termination
    /// Descendants still running when the grace period after the main process ended ran
    /// out; the gate killed them.
    public var killedDescendants: [Int32]
    /// Signals the gate received and forwarded to the job (e.g. CI cancelling it).
    public var forwardedSignals: [Int32]

    public init(pid: Int32, termination: Termination, killedDescendants: [Int32] = [], forwardedSignals: [Int32] = []) {
        self.pid = pid
        self.termination = termination
        self.killedDescendants = killedDescendants
        self.forwardedSignals = forwardedSignals
    }
}
