import ArgumentParser
import TollgateGate

/// `tollgate`: a CI/CD security gate that watches a job's syscalls against Falco rules.
@main
struct Tollgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tollgate",
        abstract: "Run a CI job under syscall capture and fail it when a security rule fires.",
        version: TollgateVersion.current,
        subcommands: [RunCommand.self, RecordCommand.self, AnalyzeCommand.self, DoctorCommand.self, RulesCommand.self, BaselineCommand.self, HookCommand.self]
    )
}
