import Foundation

/// The shell a command line of the config runs in, by the rule the GitHub action and the GitLab
/// component follow too (and GitLab's runner): bash when the machine has it, else POSIX sh.
enum JobShell {
    static let bash = ["/bin/bash", "/usr/bin/bash"]

    /// The argv that runs `line` through the job shell.
    static func command(_ line: String, fileManager: FileManager = .default) -> [String] {
        let shell = bash.first { fileManager.isExecutableFile(atPath: $0) } ?? "/bin/sh"
        return [shell, "-c", line]
    }
}
