import CTollgate
import Foundation

/// Forks the job's first process held before exec, so a backend can start watching it
/// first, and returns why an exec failed for the caller to report. The job inherits the gate's working
/// directory, file descriptors and environment (`JobSpec.environment`).
package enum JobLauncher {
    package struct LaunchError: Error, CustomStringConvertible {
        package let description: String
    }

    package static func prepare(_ job: JobSpec) throws -> tg_launch {
        guard let file = job.command.first else { throw LaunchError(description: "no command to run") }
        var launch = tg_launch()
        let result = job.withCArrays { argv, envp in tg_launch_prepare(argv[0], argv, envp, &launch) }
        guard result == 0 else {
            throw LaunchError(description: "cannot start '\(file)': \(String(cString: strerror(-result)))")
        }
        return launch
    }

    /// Lets the held child exec the job; why the exec failed, if it did (the child then exits
    /// with 126 or 127, as a shell's would; the caller still reaps it).
    package static func release(_ launch: tg_launch, job: JobSpec) -> ExecFailure? {
        var launch = launch
        let execError = tg_launch_release(&launch)
        return execError == 0 ? nil : ExecFailure(file: job.command[0], errno: execError)
    }

    static func abort(_ launch: tg_launch) {
        var launch = launch
        tg_launch_abort(&launch)
    }
}
