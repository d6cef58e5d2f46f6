import Foundation
import Testing

/// A 324-byte YAML alias bomb ("billion laughs": nine anchors, each a sequence of nine aliases
/// of the one before) through each entry point that reads YAML. Each run is limited to 1 GiB
/// of address space and 60 s, so without the bound it dies (it grew to 23 GB) instead of
/// eating the machine; the test asserts it finished with its documented status and position.
@Suite("YAML alias bombs")
struct AliasBombEndToEndTests {
    /// The bomb as a mapping (`a: &a [...]` ... `i: &i [*h, ...]`), each line indented.
    static func bomb(indent: String = "") -> String {
        let names = "abcdefghi".map(String.init)
        var lines = [indent + "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append(indent + "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let limits = ["timeout", "-s", "KILL", "60", "prlimit", "--as=1073741824", "--"]
    static let message = "YAML error: aliases expand to more than 100000 nodes (an alias bomb?)"

    func run(_ arguments: [String], in scratch: Scratch) throws -> GateRun.Outcome {
        try GateRun(arguments: arguments, wrapper: Self.limits, workingDirectory: scratch.url, timeout: 90).run()
    }

    @Test("the bomb is 324 bytes")
    func bombSize() {
        #expect(Self.bomb().utf8.count == 324)
    }

    /// Where the bomb goes, the command that reads it, and the status and line it must give.
    static let entryPoints: [(name: String, file: String, text: String, arguments: [String], status: Int32, line: String)] = [
        ("--rules", "bomb.yaml", "- list: x\n  items:\n" + bomb(indent: "    "),
         ["run", "--no-config", "--rules", "bomb.yaml", "--", "true"], 65,
         "bomb.yaml:8:12: error: \(message) [LOAD_ERR_YAML_PARSE]"),
        (".tollgate.yaml", ".tollgate.yaml", bomb(), ["run", "--", "true"], 64,
         "./.tollgate.yaml:6:8: error: \(message) [CONFIG_YAML]"),
        // `rules test` exits 1 for any invalid case file.
        ("rule case file", "cases.yaml", "- case: bomb\n" + bomb(indent: "  "), ["rules", "test", "cases.yaml"], 1,
         "FAIL cases.yaml:7:10: error: \(message) [RULE_TEST_BAD_CASE]"),
    ]

    @Test("each entry point refuses the bomb at the alias that crossed the budget", arguments: entryPoints.indices)
    func entryPoint(_ index: Int) throws {
        let entry = Self.entryPoints[index]
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write(entry.file, entry.text)
        let outcome = try run(entry.arguments, in: scratch)
        let output = String(decoding: outcome.stdout, as: UTF8.self) + outcome.stderr
        #expect(outcome.status == entry.status, "\(entry.name): \(output)")
        #expect(output.contains(entry.line), "\(entry.name): \(output)")
    }
}
