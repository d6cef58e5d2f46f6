import CTollgate
import Foundation

/// Forks the job's first process held before exec, so a backend can start watching it
/// first, and reports a failed exec as an error. The job inherits the gate's working
/// directory, file descriptors and environment (`JobSpec.environment`).
enum JobLauncher {
    struct LaunchError: Error, CustomStringConvertible {
        let description: String
    }

    static func prepare(_ job: JobSpec) throws -> tg_launch {
        guard let file = job.command.first else { throw LaunchError(description: "no command to run") }
        var launch = tg_launch()
        let result = job.withCArrays { argv, envp in tg_launch_prepare(argv[0], argv, envp, &launch) }
        guard result == 0 else {
            throw LaunchError(description: "cannot start '\(file)': \(String(cString: strerror(-result)))")
        }
        return launch
    }

    static func release(_ launch: tg_launch, job: JobSpec) throws {
        var launch = launch
        let execError = tg_launch_release(&launch)
        guard execError == 0 else {
            // The child exits with 126 or 127, as a shell's would; the caller still reaps it.
            reportExecFailure(job.command[0], errno: execError)
            return
        }
    }

    /// Says on standard error why the job's command could not be executed, as a shell would.
    static func reportExecFailure(_ file: String, errno error: Int32) {
        var reason = String(cString: strerror(error))
        var status = stat()
        if file.contains("/"), stat(file, &status) == 0 {
            // What a shell would add: the path exists, so the errno is about something else.
            if error == EACCES, status.st_mode & S_IFMT == S_IFDIR { reason += " (it is a folder)" }
            if error == ENOENT { reason += " (the file exists: its interpreter or loader was not found)" }
        }
        FileHandle.standardError.write(Data("tollgate: cannot run '\(file)': \(reason)\n".utf8))
    }

    static func abort(_ launch: tg_launch) {
        var launch = launch
        tg_launch_abort(&launch)
    }
}
