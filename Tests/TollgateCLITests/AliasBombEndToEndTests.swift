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

    @Test("as --rules: exit 65 at the alias that crossed the budget")
    func rulesFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let rules = try scratch.write("bomb.yaml", "- list: x\n  items:\n" + Self.bomb(indent: "    "))
        let outcome = try run(["run", "--no-config", "--rules", rules.path, "--", "true"], in: scratch)
        #expect(outcome.status == 65, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\(rules.path):8:12: error: \(Self.message) [LOAD_ERR_YAML_PARSE]"), "\(outcome.stderr)")
    }

    @Test("as .tollgate.yaml: exit 64 at the alias that crossed the budget")
    func projectConfig() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        _ = try scratch.write(".tollgate.yaml", Self.bomb())
        let outcome = try run(["run", "--", "true"], in: scratch)
        #expect(outcome.status == 64, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("./.tollgate.yaml:6:8: error: \(Self.message) [CONFIG_YAML]"), "\(outcome.stderr)")
    }

    @Test("as a rule case file: the file fails (exit 1, as any invalid case file) at the alias")
    func ruleCaseFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let cases = try scratch.write("cases.yaml", "- case: bomb\n" + Self.bomb(indent: "  "))
        let outcome = try run(["rules", "test", cases.path], in: scratch)
        let stdout = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(outcome.status == 1, "\(stdout)")
        #expect(stdout.contains("FAIL \(cases.path):7:10: error: \(Self.message) [RULE_TEST_BAD_CASE]"), "\(stdout)")
        #expect(stdout.contains("1 case(s): 0 passed, 1 failed"), "\(stdout)")
    }
}
