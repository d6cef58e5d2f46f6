import ArgumentParser
import TollgateEvents
import TollgateRules

/// The options of every gated evaluation, live (`run`) or replayed (`analyze`).
struct GateOptions: ParsableArguments {
    @Option(name: [.customLong("rules"), .customShort("r")], help: ArgumentHelp("A rules file or folder (its *.yaml, sorted); repeatable. Default: the config's rules (run), else the built-in CI ruleset.", valueName: "path"))
    var rulePaths: [String] = []

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Lowest priority that fails the gate (emergency ... debug; default: the config's (run), else warning).", valueName: "priority"),
            transform: Priority.argument(for: "--fail-on"))
    var failOn: Priority?

    @Flag(name: .customLong("tolerate-drops"), help: "Pass even when the capture lost events, could not read events' payloads, could not follow containers the job had an engine run, or (analyze --salvage) is damaged; all of it is still reported.")
    var tolerateDrops = false

    @Flag(help: "Do not stream findings or the summary to standard error.")
    var quiet = false

    @Option(name: .customLong("secret-env"), help: ArgumentHelp("An environment variable whose value is a secret, masked as *** in every report and on standard error (besides *TOKEN*, *SECRET*, *PASSWORD*, *_KEY, AWS_* ...); repeatable.", valueName: "name"))
    var secretNames: [String] = []
}

extension Priority: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }

    /// Parses a priority flag's value (`transform:`): the error names the flag and the
    /// priorities, where `init?(argument:)` alone could not say which flag it was.
    static func argument(for flag: String) -> @Sendable (String) throws -> Priority {
        { value in
            guard let priority = Priority(argument: value) else {
                throw ValidationError("unknown priority '\(value)' for '\(flag)'; use one of \(Priority.spellings.joined(separator: ", "))")
            }
            return priority
        }
    }
}

extension BackendChoice: ExpressibleByArgument {}
