import ArgumentParser

/// The one table of tollgate's exit statuses (also in the README). A failing job is a result,
/// not an error: without blocking findings the gate exits with the job's own status.
enum ExitStatus {
    /// The job succeeded and nothing blocking was found.
    static let success = ExitCode(0)
    /// `rules test`: at least one case failed.
    static let ruleTestsFailed = ExitCode(1)
    /// `baseline diff`: the new baseline lists entries the old one does not.
    static let baselineGrew = ExitCode(1)
    /// A finding at or above `--fail-on` exists, whatever the job did.
    static let blockingFinding = ExitCode(3)
    /// The command line was wrong.
    static let usage = ExitCode(64)
    /// A rules file did not load.
    static let invalidRules = ExitCode(65)
    /// A capture file is damaged (EX_DATAERR, like invalid rules: bad input data).
    static let damagedCapture = ExitCode(65)
    /// A capture file cannot be opened or read (EX_NOINPUT).
    static let unreadableCapture = ExitCode(66)
    /// The baseline named (`--baseline`, config `baseline`) cannot be read (EX_NOINPUT).
    static let unreadableBaseline = ExitCode(66)
    /// A baseline file is not a valid baseline (EX_DATAERR).
    static let invalidBaseline = ExitCode(65)
    /// The job's command exists but cannot be executed (a folder, no execute permission, not an
    /// executable format), as a shell says it; the launcher's child exits with it
    /// (`tg_exec_failure_status`) and the gate passes it through like any job status.
    static let jobCannotExecute = ExitCode(126)
    /// The job's command was not found (no such file, not in `PATH`), as a shell says it.
    static let jobNotFound = ExitCode(127)
    /// No capture backend could start (or the one asked for could not).
    static let noBackend = ExitCode(69)
    /// tollgate itself failed.
    static let internalError = ExitCode(70)
    /// A report could not be written.
    static let cannotWriteReport = ExitCode(74)
}
