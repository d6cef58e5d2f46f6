import Foundation
import TollgateEvents

extension LauncherIdentity {
    /// This process as the kernel names it (comm, `/proc/self/exe`) with its argv: the parent of
    /// the job's first process, which this gate (or its monitor, a fork of it) starts.
    static var current: LauncherIdentity {
        let comm = (try? String(contentsOfFile: "/proc/self/comm", encoding: .utf8))?
            .trimmingCharacters(in: .newlines)
        let arguments = CommandLine.arguments
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments.first ?? ""
        return LauncherIdentity(pid: getpid(), name: ByteString(comm ?? (executable as NSString).lastPathComponent),
                                executable: ByteString(executable), arguments: arguments.map { ByteString($0) })
    }
}
