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
            // The child exits with 127, as a shell's would; the caller still reaps it.
            FileHandle.standardError.write(Data("tollgate: cannot run '\(job.command[0])': \(String(cString: strerror(execError)))\n".utf8))
            return
        }
    }

    static func abort(_ launch: tg_launch) {
        var launch = launch
        tg_launch_abort(&launch)
    }
}
