/// The process that started the job's first process: the gate (`tollgate run`, or the recorder).
/// It is the first process's parent, so `proc.pname`, `proc.pexepath`, `proc.pcmdline` and the
/// ancestor fields name it instead of `<NA>`; it is not traced, so no event of its own exists.
public struct LauncherIdentity: Sendable, Equatable {
    /// Its pid: the first process's ppid (under ptrace and seccomp the monitor forked from it
    /// starts the job, and records report the gate's pid in its place).
    public var pid: Int32
    /// Its comm (`proc.pname`), as the kernel has it.
    public var name: ByteString
    /// Its executable (`proc.pexepath`).
    public var executable: ByteString
    /// Its argv (`proc.pexe` is the first, `proc.pcmdline` the name and the rest).
    public var arguments: [ByteString]

    public init(pid: Int32, name: ByteString, executable: ByteString, arguments: [ByteString]) {
        self.pid = pid
        self.name = name
        self.executable = executable
        self.arguments = arguments
    }
}
