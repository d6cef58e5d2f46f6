import ArgumentParser

/// The one table of tollgate's exit statuses (also in the README), for `tollgate` and
/// `tollgate-bench` alike. A failing job is a result, not an error: without blocking findings
/// the gate exits with the job's own status.
public enum ExitStatus {
    /// The job succeeded and nothing blocking was found.
    public static let success = ExitCode(0)
    /// `rules test`: at least one case failed.
    public static let ruleTestsFailed = ExitCode(1)
    /// `baseline diff`: the new baseline lists entries the old one does not.
    public static let baselineGrew = ExitCode(1)
    /// A finding at or above `--fail-on` exists, whatever the job did.
    public static let blockingFinding = ExitCode(3)
    /// The command line was wrong.
    public static let usage = ExitCode(64)
    /// A rules file did not load.
    public static let invalidRules = ExitCode(65)
    /// A capture file is damaged (EX_DATAERR, like invalid rules: bad input data).
    public static let damagedCapture = ExitCode(65)
    /// A capture file cannot be opened or read (EX_NOINPUT).
    public static let unreadableCapture = ExitCode(66)
    /// The baseline named (`--baseline`, config `baseline`) cannot be read (EX_NOINPUT).
    public static let unreadableBaseline = ExitCode(66)
    /// A baseline file is not a valid baseline (EX_DATAERR).
    public static let invalidBaseline = ExitCode(65)
    /// The job's command exists but cannot be executed (a folder, no execute permission, not an
    /// executable format), as a shell says it; the launcher's child exits with it
    /// (`tg_exec_failure_status`) and the gate passes it through like any job status.
    public static let jobCannotExecute = ExitCode(126)
    /// The job's command was not found (no such file, not in `PATH`), as a shell says it.
    public static let jobNotFound = ExitCode(127)
    /// No capture backend could start (or the one asked for could not).
    public static let noBackend = ExitCode(69)
    /// tollgate itself failed.
    public static let internalError = ExitCode(70)
    /// A report could not be written.
    public static let cannotWriteReport = ExitCode(74)

    /// The job's own status passed through (shell style: 128+N after signal N), nil for 0.
    public static func job(_ status: Int32) -> ExitCode? {
        status == 0 ? nil : ExitCode(status)
    }
}
