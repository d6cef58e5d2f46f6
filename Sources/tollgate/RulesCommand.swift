import ArgumentParser
import Foundation
import TollgateCapture
import TollgateGate
import TollgateRules

/// `tollgate rules`: check and inspect Falco rules files.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Validate and list Falco rules files.",
        subcommands: [RulesValidateCommand.self, RulesListCommand.self, RulesTestCommand.self]
    )
}

/// Rules files named on the command line: files as given, folders as their `*.yaml` sorted.
struct RulePaths: ParsableArguments {
    @Argument(help: "Rules files or folders (a folder means its *.yaml files, sorted). Default: ./rules")
    var paths: [String] = []

    /// Loads the rules and prints every diagnostic to standard error.
    func load() -> LoadResult {
        let (sources, diagnostics) = RuleFiles.read(paths.isEmpty ? ["rules"] : paths)
        return RuleFiles.load(sources, readDiagnostics: diagnostics)
    }
}

/// `tollgate rules validate [PATH...]`.
struct RulesValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Load rules files and report errors and warnings as file:line:column.",
        discussion: "Exits 0 when the rules load (warnings allowed) and 65 when any error is found."
    )

    @OptionGroup var files: RulePaths

    func run() throws {
        let result = files.load()
        guard let ruleSet = result.ruleSet else {
            print("\(result.errors.count) error(s), \(result.warnings.count) warning(s)")
            throw ExitStatus.invalidRules
        }
        let enabled = ruleSet.rules.filter(\.enabled).count
        print("\(ruleSet.rules.count) rules (\(enabled) enabled), \(result.warnings.count) warning(s)")
    }
}

/// `tollgate rules list [PATH...] [--json]`.
struct RulesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the loaded rules: name, priority, event types, enabled, source file:line, backends that can refuse its calls (--deny-on), whether eBPF kills on it in the kernel (--kill-on)."
    )

    @OptionGroup var files: RulePaths

    @Flag(name: .long, help: "Print JSON (an array of rules).")
    var json = false

    struct Row: Codable {
        var name: String
        var priority: String
        var eventTypes: [String]?
        var enabled: Bool
        var file: String
        var line: Int
        var tags: [String]
        var uncapturedFields: [String]
        /// Fields needing the syscall's exit, which the seccomp backend does not see.
        var exitDataFields: [String]
        /// Backends that can refuse a call the rule matches before it runs (`--deny-on`): none
        /// when the condition needs the call's result. eBPF kills the job instead.
        var denies: [String]
        /// eBPF's capture program can decide the rule itself at an open's exit and kill the
        /// caller there (`--kill-on`); else the gate kills from user space.
        var killsInKernel: Bool
    }

    func run() throws {
        let result = files.load()
        guard let ruleSet = result.ruleSet else { throw ExitStatus.invalidRules }
        let rows = ruleSet.rules.map {
            Row(name: $0.name, priority: $0.priority.description, eventTypes: $0.eventTypes, enabled: $0.enabled,
                file: $0.location.file, line: $0.location.line, tags: $0.tags, uncapturedFields: $0.uncapturedFields,
                exitDataFields: $0.exitDataFields,
                denies: EnforcementPolicy.canDeny($0) ? EnforcementPolicy.denyingBackends.map(\.rawValue) : [],
                killsInKernel: $0.kernelOpenCondition.map(KernelKillTable.fits) ?? false)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        for row in rows {
            let types = row.eventTypes?.joined(separator: ",") ?? "(any)"
            let state = row.enabled ? "enabled" : "disabled"
            let denies = row.denies.isEmpty ? "deny: no (needs the call's result)" : "deny: " + row.denies.joined(separator: ",")
            let kills = row.killsInKernel ? "kill: in the kernel (ebpf)" : "kill: by the gate"
            print("\(row.name)\t\(row.priority)\t\(types)\t\(state)\t\(row.file):\(row.line)\t\(denies)\t\(kills)")
        }
    }
}
