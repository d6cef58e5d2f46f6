import ArgumentParser
import Foundation
import TollgateBenchSupport
import TollgateGate
import TollgateRules

/// `tollgate-bench engine [PATH...]`: events per second of the engine on a synthetic CI
/// workload (execs, opens, connects, renames with process state).
struct EngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Measure engine throughput on a synthetic event mix."
    )

    @Argument(help: "Rules files or folders (a folder means its *.yaml files, sorted). Default: ./rules")
    var paths: [String] = []

    @Option(name: .long, help: "Events to evaluate.")
    var events = 2_000_000

    @Option(name: .long, help: "Also list the N rules whose conditions cost the most per event.")
    var costliest = 0

    func run() throws {
        let (sources, diagnostics) = RuleFiles.read(paths.isEmpty ? ["rules"] : paths)
        guard let ruleSet = RuleFiles.load(sources, readDiagnostics: diagnostics).ruleSet else { throw ExitStatus.invalidRules }
        print("rules: \(ruleSet.rules.count) (\(ruleSet.rules.filter(\.enabled).count) enabled)")
        let engine = Engine(ruleSet)
        print(EngineBenchmark.run(engine, events: events).report)
        guard costliest > 0 else { return }
        print("costliest conditions (ns per event of the mix, in context):")
        for (rule, nanoseconds) in EngineBenchmark.ruleCosts(engine).prefix(costliest) {
            print(String(format: "%8.1f  ", nanoseconds) + rule)
        }
    }
}
