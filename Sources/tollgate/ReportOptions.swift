import ArgumentParser
import Foundation
import TollgateGate
import TollgateReports

/// The report flags `run` and `analyze` share, and writing the reports they ask for.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("json"), help: ArgumentHelp("Write findings as Falco json_output lines to this file.", valueName: "file"))
    var jsonPath: String?

    @Option(name: .customLong("sarif"), help: ArgumentHelp("Write a SARIF 2.1.0 report (GitHub code scanning) to this file.", valueName: "file"))
    var sarifPath: String?

    @Option(name: .customLong("junit"), help: ArgumentHelp("Write a JUnit XML report (one testcase per enabled rule) to this file.", valueName: "file"))
    var junitPath: String?

    @Option(name: .customLong("summary"), help: ArgumentHelp("Write a Markdown summary to this file (also written to $GITHUB_STEP_SUMMARY when set).", valueName: "file"))
    var summaryPath: String?

    @Option(name: .customLong("codequality"), help: ArgumentHelp("Write a GitLab Code Quality report to this file.", valueName: "file"))
    var codeQualityPath: String?

    @Option(name: .customLong("sarif-anchor"), help: ArgumentHelp("Where findings point when the CI file is unknown: PATH or PATH:LINE.", valueName: "path[:line]"))
    var sarifAnchor: String?

    func validate() throws {
        if let sarifAnchor {
            do { _ = try SARIFAnchor(flagValue: sarifAnchor) } catch { throw ValidationError(error.description) }
        }
    }

    /// Writes every requested report atomically, then the CI-specific extras: the step
    /// summary when `GITHUB_STEP_SUMMARY` is set and `::error` annotations for blocking
    /// findings when `GITHUB_ACTIONS=true`. Throws the first write failure (exit 74) after
    /// trying every report, so one bad path does not cost the others.
    func publish(_ report: RunReport, environment: [String: String]) throws(ReportWriteError) {
        let flagAnchor = sarifAnchor.flatMap { try? SARIFAnchor(flagValue: $0) }
        let anchor = SARIFAnchor.runAnchor(environment: environment, flag: flagAnchor,
                                           readFile: SARIFAnchor.workspaceReader(environment: environment))
        var writes: [(path: String, render: () -> String)] = []
        if let jsonPath { writes.append((jsonPath, { FalcoJSONLines.render(report.findings, ci: report.ci) })) }
        if let sarifPath { writes.append((sarifPath, { SARIFReport.render(report, runAnchor: anchor) })) }
        if let junitPath { writes.append((junitPath, { JUnitReport.render(report, runAnchor: anchor) })) }
        if let codeQualityPath { writes.append((codeQualityPath, { GitLabCodeQuality.render(report, runAnchor: anchor) })) }
        let summary = summaryPath != nil || environment["GITHUB_STEP_SUMMARY"] != nil ? MarkdownSummary.render(report) : ""
        if let summaryPath { writes.append((summaryPath, { summary })) }

        var firstFailure: ReportWriteError?
        for write in writes {
            do { try AtomicFile.write(write.render(), to: write.path) } catch { firstFailure = firstFailure ?? error }
        }
        if let stepSummary = environment["GITHUB_STEP_SUMMARY"], !stepSummary.isEmpty {
            // The step summary file is GitHub's, shared by every step: append, never replace.
            do { try AtomicFile.append(summary, to: stepSummary) } catch { firstFailure = firstFailure ?? error }
        }
        if environment["GITHUB_ACTIONS"] == "true" {
            for line in GitHubAnnotations.lines(report, runAnchor: anchor) { print(line) }
        }
        if let firstFailure { throw firstFailure }
    }

    /// Writes every requested report, then ends as `verdict` says: exit 74 when a report could
    /// not be written, 3 when the gate failed, else the job's own status.
    func conclude(_ report: RunReport, verdict: GateVerdict, console: Console, environment: [String: String]) throws {
        do {
            try publish(report, environment: environment)
        } catch {
            console.error(error.description)
            throw ExitStatus.cannotWriteReport
        }
        if let status = verdict.exitStatus { throw status }
    }
}
