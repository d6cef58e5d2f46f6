/// A report file could not be written. The CLI prints it and exits 74 (`EX_IOERR`).
public struct ReportWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The report's destination path, as given.
    public var path: String
    /// What went wrong, e.g. `Permission denied`.
    public var reason: String
    /// The step that failed: `create a temporary file`, `write`, `sync`, `rename`.
    public var step: String

    public init(path: String, reason: String, step: String) {
        self.path = path
        self.reason = reason
        self.step = step
    }

    /// `cannot write report 'out/x.sarif': Permission denied (while trying to create a temporary file)`.
    public var description: String {
        "cannot write report '\(path)': \(reason) (while trying to \(step))"
    }
}
