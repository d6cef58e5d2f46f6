import Foundation

/// The command a gate runs, exactly as the user gave it: arguments and environment are
/// bytes, since neither has to be UTF-8.
public struct JobSpec: Sendable, Equatable {
    /// argv; `arguments[0]` is searched in `PATH` like a shell would.
    public var arguments: [[UInt8]]
    /// `NAME=value` entries, in order, passed through untouched.
    public var environmentEntries: [[UInt8]]
    public var workingDirectory: String
    /// A cgroup2 folder whose processes are the job's too, though no descendants of it: the
    /// run's cgroup, below which engines put the job's containers (`RunCgroup`). Backends that
    /// follow processes by descent only ignore it.
    public var followedCgroup: String?

    public init(arguments: [[UInt8]], environmentEntries: [[UInt8]], workingDirectory: String, followedCgroup: String? = nil) {
        self.arguments = arguments
        self.environmentEntries = environmentEntries
        self.workingDirectory = workingDirectory
        self.followedCgroup = followedCgroup
    }

    public init(command: [String], environment: [String], workingDirectory: String) {
        self.init(arguments: command.map { Array($0.utf8) }, environmentEntries: environment.map { Array($0.utf8) },
                  workingDirectory: workingDirectory)
    }

    /// argv for display (invalid UTF-8 replaced).
    public var command: [String] { arguments.map { String(decoding: $0, as: UTF8.self) } }
    /// The environment for display and lookups (invalid UTF-8 replaced).
    public var environment: [String] { environmentEntries.map { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with NULL-terminated C arrays of the exact argv and environment bytes.
    package func withCArrays<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>, UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        func cArray(_ entries: [[UInt8]]) -> [UnsafeMutablePointer<CChar>?] {
            entries.map { bytes in
                let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
                for (index, byte) in bytes.enumerated() { copy[index] = CChar(bitPattern: byte) }
                copy[bytes.count] = 0
                return copy
            } + [nil]
        }
        let argv = cArray(arguments)
        let envp = cArray(environmentEntries)
        defer { (argv + envp).forEach { $0?.deallocate() } }
        return argv.withUnsafeBufferPointer { a in envp.withUnsafeBufferPointer { e in body(a.baseAddress!, e.baseAddress!) } }
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
    /// Why the job's command could not be executed, when it could not (its status is then
    /// 126 or 127, as a shell's).
    public var execFailure: ExecFailure?

    public init(pid: Int32, termination: Termination, killedDescendants: [Int32] = [], forwardedSignals: [Int32] = [],
                execFailure: ExecFailure? = nil) {
        self.pid = pid
        self.termination = termination
        self.killedDescendants = killedDescendants
        self.forwardedSignals = forwardedSignals
        self.execFailure = execFailure
    }
}

/// The job's command failed to execute: the file and the exec's errno.
public struct ExecFailure: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var errno: Int32

    public init(file: String, errno: Int32) {
        self.file = file
        self.errno = errno
    }

    /// `cannot run 'FILE': REASON`, with what a shell would add when the path exists (the errno
    /// is then about a folder, or a missing interpreter or loader).
    public var description: String {
        var reason = String(cString: strerror(errno))
        var status = stat()
        if file.contains("/"), stat(file, &status) == 0 {
            if errno == EACCES, status.st_mode & S_IFMT == S_IFDIR { reason += " (it is a folder)" }
            if errno == ENOENT { reason += " (the file exists: its interpreter or loader was not found)" }
        }
        return "cannot run '\(file)': \(reason)"
    }
}
