import ArgumentParser
import Foundation
import TollgateBaseline
import TollgateGate
import TollgateReports

/// `tollgate baseline`: record, compare and join behaviour baselines (docs/baseline.md).
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record, compare and merge behaviour baselines.",
        subcommands: [BaselineRecordCommand.self, BaselineDiffCommand.self, BaselineMergeCommand.self]
    )

    /// Reads a baseline file; exit 66 when it cannot be read, 65 when it is not a baseline.
    static func read(_ path: String) throws -> Baseline {
        try BaselineRun.read(path, console: Console(quiet: false))
    }
}

/// `tollgate baseline record [--output FILE] [run options] -- COMMAND`: a gated run that writes
/// what the job did as the baseline, replacing the file.
struct BaselineRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run the job under the gate and write what it did as the baseline (replacing the file).",
        discussion: "Every option of 'tollgate run' may follow; the gate's exit status is the run's."
    )

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("The baseline file to write.", valueName: "file"))
    var output = RunSettings.defaultBaselinePath

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("'tollgate run' options, then '--' and the job.", valueName: "run arguments"))
    var runArguments: [String] = []

    func run() throws {
        let gate = try RunCommand.parse(["--record-baseline", output] + runArguments)
        try gate.validate()
        try gate.run()
    }
}

/// `tollgate baseline diff OLD NEW`: what changed, in Markdown; exit 1 when anything was added.
struct BaselineDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Print the change in behaviour between two baselines (Markdown); exit 1 when entries were added."
    )

    @Argument(help: ArgumentHelp("The baseline before.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The baseline after.", valueName: "new"))
    var new: String

    func run() throws {
        let diff = BaselineDiff(old: try BaselineCommand.read(old), new: try BaselineCommand.read(new))
        print(diff.markdown, terminator: "")
        if !diff.added.isEmpty { throw ExitStatus.baselineGrew }
    }
}

/// `tollgate baseline merge A B... [--output FILE]`: the union of the baselines of matrix jobs.
struct BaselineMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join baselines (e.g. of a matrix's jobs) into one; reasons of earlier files win."
    )

    @Argument(help: ArgumentHelp("The baselines to join.", valueName: "baseline"))
    var baselines: [String]

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the result here instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard !baselines.isEmpty else { throw ValidationError("give at least one baseline to merge") }
    }

    func run() throws {
        var merged = Baseline()
        for path in baselines { merged = merged.merging(try BaselineCommand.read(path)) }
        let text = BaselineFile.render(merged)
        guard let output else { return print(text, terminator: "") }
        do {
            try AtomicFile.write(text, to: output)
        } catch {
            Console(quiet: false).error(error.description)
            throw ExitStatus.cannotWriteReport
        }
    }
}
