import ArgumentParser
import Foundation

/// `tollgate-bench`: what the benchmark suite measures beside the shipped `tollgate`, kept out
/// of it. Built by the benchmark scripts (`swift build --product tollgate-bench`); not shipped.
@main
struct TollgateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tollgate-bench",
        abstract: "Benchmark helpers for tollgate: each backend's floor, the rule engine's throughput.",
        subcommands: [FloorCommand.self, EngineCommand.self]
    )

    static func error(_ text: String) {
        FileHandle.standardError.write(Data("tollgate-bench: error: \(text)\n".utf8))
    }
}
