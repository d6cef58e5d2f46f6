import Foundation
import Testing
@testable import TollgateRules

/// One malformed rules file under Fixtures/bad and the diagnostic it must produce.
struct BadInput: CustomTestStringConvertible, Sendable {
    var file: String
    var code: LoadCode
    var line: Int
    var column: Int
    var fragment: String

    init(_ file: String, _ code: LoadCode, _ line: Int, _ column: Int, _ fragment: String) {
        self.file = file
        self.code = code
        self.line = line
        self.column = column
        self.fragment = fragment
    }

    var testDescription: String { file }
}

@Suite("Malformed rules files")
struct BadInputTests {
    static let cases: [BadInput] = [
        BadInput("yaml-unclosed-flow", .yamlParse, 4, 7, "did not find expected ',' or ']'"),
        BadInput("yaml-bad-indentation", .yamlParse, 3, 2, "did not find expected '-' indicator"),
        BadInput("yaml-tab-indentation", .yamlParse, 2, 1, "tab character"),
        BadInput("yaml-illegal-map-value", .yamlParse, 1, 10, "mapping values are not allowed"),
        BadInput("yaml-second-document-broken", .yamlParse, 7, 1, "did not find expected ',' or ']'"),
        BadInput("not-yaml", .yamlValidate, 1, 1, "Rules content is not yaml"),
        BadInput("not-an-array", .yamlValidate, 1, 1, "Rules content is not yaml array of objects"),
        BadInput("item-not-a-mapping", .yamlValidate, 1, 3, "Each element should be a yaml associative array"),
        BadInput("rule-missing-output", .yamlValidate, 1, 3, "Item has no mapping for key 'output'"),
        BadInput("rule-empty-name", .yamlValidate, 1, 3, "Mapping for key 'rule' is empty"),
        BadInput("macro-missing-condition", .yamlValidate, 1, 3, "Item has no mapping for key 'condition'"),
        BadInput("list-items-not-sequence", .yamlValidate, 2, 10, "Value is not a sequence"),
        BadInput("list-item-is-mapping", .yamlValidate, 2, 17, "Value is not a scalar value"),
        BadInput("rule-bad-priority", .yamlValidate, 5, 13, "Invalid priority 'WARN'"),
        BadInput("rule-enabled-not-bool", .yamlValidate, 3, 12, "Can't decode YAML scalar value 'maybe'"),
        BadInput("rule-tags-not-sequence", .yamlValidate, 3, 9, "Value is not a sequence"),
        BadInput("rule-condition-is-mapping", .yamlValidate, 2, 14, "Value is not a scalar value"),
        BadInput("unknown-key", .unknownKey, 3, 3, "Unknown key 'prority'. The key will be ignored. Did you mean 'priority'?"),
        BadInput("unknown-top-level-item", .unknownItem, 1, 3, "Unknown top level item; did you mean 'rule'?"),
        BadInput("engine-version-not-semver", .yamlValidate, 1, 28, "Unable to parse engine version 'not-a-number'"),
        BadInput("engine-version-too-new", .validate, 1, 28, "Rules require engine version 0.99.0"),
        BadInput("bad-plugin-version", .yamlValidate, 3, 16, "Invalid required version 'latest' for plugin 'container'"),
        BadInput("undefined-macro", .validate, 2, 36, "Undefined macro 'not_defined_macro' used in filter."),
        BadInput("macro-loop", .validate, 4, 17, "reference loop in macro 'loop_macro'"),
        BadInput("macro-forward-reference", .validate, 2, 32, "Undefined macro 'second' used in filter."),
        BadInput("macro-parse-error", .compileCondition, 2, 32, "expected a ')' token"),
        BadInput("condition-bad-operator", .compileCondition, 2, 24, "expected a valid check operator"),
        BadInput("condition-unclosed-parenthesis", .compileCondition, 2, 45, "expected a ')' token"),
        BadInput("condition-bad-escape", .compileCondition, 2, 26, "unsupported string escape sequence: \\q"),
        BadInput("condition-error-in-folded-block", .compileCondition, 5, 22, "expected a string value"),
        BadInput("deep-condition-nesting", .compileCondition, 2, 114, "exceeded max depth limit of 100"),
        BadInput("deep-flow-nesting", .yamlParse, 2, 72, "YAML nesting is deeper than 64 levels"),
        BadInput("yaml-alias-bomb", .yamlParse, 12, 14, "YAML error: aliases expand to more than 100000 nodes (an alias bomb?)"),
        BadInput("unknown-field", .compileCondition, 2, 36, "unknown field 'proc.nmae'; did you mean 'proc.name'?"),
        BadInput("unsupported-field", .unknownField, 2, 34, "field 'fd.ino' is not supported"),
        BadInput("unknown-event-type", .compileCondition, 2, 14, "unknown event type 'opne'; did you mean 'open'?"),
        BadInput("bad-number", .compileCondition, 2, 34, "'three' is not a valid number for field 'fd.num'"),
        BadInput("bad-regex", .compileCondition, 2, 36, "invalid regex pattern"),
        BadInput("bcontains-on-string", .compileCondition, 2, 36, "'bcontains' operator not supported for string filters"),
        BadInput("contains-on-number", .compileCondition, 2, 36, "'contains' operator not supported for numeric filters"),
        BadInput("list-field-with-contains", .compileCondition, 2, 36, "list filter 'fd.types' only supports operators"),
        BadInput("transformer-on-ancestor-field", .compileCondition, 2, 36, "field 'proc.aname' does not support transformers"),
        BadInput("output-unknown-field", .compileOutput, 4, 17, "unknown field 'proc.nmae'; did you mean 'proc.name'?"),
        BadInput("output-trailing-percent", .compileOutput, 4, 23, "'%' at the end is not followed by a field"),
        BadInput("append-macro-without-previous", .validate, 1, 10, "Macro uses 'append' or 'override.condition: append' but no macro"),
        BadInput("append-list-without-previous", .validate, 1, 9, "List uses 'append' or 'override.items: append' but no list"),
        BadInput("replace-rule-without-previous", .validate, 1, 3, "to a rule was requested but no rule by that name already exists (override.priority: replace)"),
        BadInput("override-with-append-true", .yamlValidate, 4, 3, "Keys 'override' and 'append: true' cannot be used together"),
        BadInput("override-key-not-present", .yamlValidate, 9, 16, "An append override for 'condition' was specified but 'condition' is not defined"),
        BadInput("override-unexpected-key", .yamlValidate, 6, 3, "Unexpected key 'priority': no corresponding entry under 'override' is defined."),
        BadInput("override-priority-append", .yamlValidate, 9, 15, "Key 'priority' cannot be appended to, use 'replace' instead"),
        BadInput("override-invalid-operation", .yamlValidate, 9, 16, "Invalid override operation for key 'condition': 'prepend'"),
        BadInput("append-rule-without-condition", .validate, 6, 3, "Appended rule must have exceptions or condition property"),
        BadInput("enabled-without-rule", .validate, 1, 3, "Rule has 'enabled' key but no rule by that name already exists"),
        BadInput("exception-without-name", .yamlValidate, 7, 7, "Item has no mapping for key 'name'"),
        BadInput("exception-without-fields", .yamlValidate, 7, 7, "Item has no mapping for key 'fields'"),
        BadInput("exception-comps-length", .validate, 7, 7, "Fields and comps lists must have equal length"),
        BadInput("exception-unknown-comp", .validate, 9, 15, "'no-comp' is not a supported comparison operator"),
        BadInput("exception-unknown-field", .validate, 8, 16, "'not.exist' is not a supported filter field"),
        BadInput("exception-values-length", .validate, 9, 16, "Fields and values lists must have equal length"),
        BadInput("duplicate-exception-names", .exceptionNameNotUnique, 10, 13, "Multiple definitions of exception 'ex1'"),
        BadInput("invalid-macro-name", .invalidMacroName, 1, 10, "Macro has an invalid name"),
        BadInput("unknown-source", .unknownSource, 3, 11, "Unknown source k8s_audit, skipping"),
        BadInput("unused-list-and-macro", .unusedList, 1, 3, "List not referred to by any other rule/macro"),
        BadInput("no-event-type", .noEventType, 1, 3, "Rule matches too many evt.type values"),
    ]

    @Test("each file gives the expected code at the expected line:column", arguments: cases)
    func badInput(_ input: BadInput) throws {
        let url = TestSupport.fixtures.appendingPathComponent("bad/\(input.file).yaml")
        let source = try TestSupport.source(url)
        let result = RuleLoader().load(files: [source])
        let match = result.diagnostics.first { $0.code == input.code }
        let diagnostic = try #require(match, "no \(input.code.rawValue) in \(result.diagnostics.map(\.description))")
        #expect(diagnostic.location?.file == "\(input.file).yaml")
        #expect(diagnostic.location?.line == input.line)
        #expect(diagnostic.location?.column == input.column)
        #expect(diagnostic.message.contains(input.fragment), "message: \(diagnostic.message)")
        #expect(diagnostic.description.hasPrefix("\(input.file).yaml:\(input.line):\(input.column): \(diagnostic.severity.rawValue): "))
        #expect(diagnostic.description.hasSuffix("[\(input.code.rawValue)]"))
        // Errors fail the load; warnings alone do not.
        #expect(result.succeeded == !result.diagnostics.contains(where: \.isError))
    }

    @Test("every fixture file is in the table, and there are at least 40")
    func fixturesCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.fixtures.appendingPathComponent("bad").path)
        let names = Set(files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) })
        #expect(names == Set(Self.cases.map(\.file)))
        #expect(names.count >= 40)
    }

    @Test("a 4 MiB condition and a 20,000-item list load without trouble")
    func hugeInput() {
        let items = (0..<20_000).map { "item\($0)" }.joined(separator: ", ")
        let condition = (0..<40_000).map { "proc.name = name\($0)" }.joined(separator: " or ")
        let yaml = """
        - list: big
          items: [\(items)]
        - rule: huge
          desc: d
          condition: evt.type = execve and (\(condition)) and not proc.pname in (big)
          output: o
          priority: INFO
        """
        let result = TestSupport.load(yaml)
        #expect(result.errors.isEmpty)
        #expect(result.ruleSet?.rules.first?.eventTypes == ["execve"])
    }

    @Test("deeply nested macros are bounded after expansion, on a 512 KiB thread")
    func deepMacroChain() async {
        var yaml = "- macro: m0\n  condition: proc.name = a\n"
        for level in 1...150 {
            yaml += "- macro: m\(level)\n  condition: (m\(level - 1) and (proc.pid > \(level) or proc.pid < 0))\n"
        }
        yaml += "- rule: deep\n  desc: d\n  condition: evt.type = execve and m150\n  output: o\n  priority: INFO\n"
        let text = yaml
        let message = await runOnSmallStack {
            TestSupport.load(text).diagnostics.map(\.description).joined(separator: "\n")
        }
        #expect(message.contains("nested deeper than 120 levels after macro expansion"))
    }

    @Test("expansion depth just inside the bound compiles on a 512 KiB thread")
    func deepExpansionWithinBound() async {
        // 18 macros, each adding 6 nesting levels: about 110 levels after expansion.
        var yaml = "- macro: m0\n  condition: proc.name = a\n"
        for level in 1...18 {
            yaml += "- macro: m\(level)\n  condition: ((((((m\(level - 1) and proc.pid > 1) or proc.pid < 0) and proc.ppid > 1) or proc.ppid < 0) and a.b exists) or proc.pid = 7)\n"
        }
        yaml += "- rule: deep\n  desc: d\n  condition: evt.type = execve and m18\n  output: o\n  priority: INFO\n"
        let text = yaml.replacingOccurrences(of: "a.b exists", with: "proc.cwd exists")
        let message = await runOnSmallStack {
            let result = TestSupport.load(text)
            return result.diagnostics.map(\.description).joined(separator: "\n") + (result.succeeded ? "loaded" : "")
        }
        #expect(message == "loaded")
    }

    @Test("an expansion deeper than the bound is an error, not a crash, on a 512 KiB thread")
    func deepExpansionBeyondBound() async {
        var yaml = "- macro: m0\n  condition: proc.name = a\n"
        for level in 1...31 {
            let open = String(repeating: "(", count: 9)
            let close = String(repeating: " and proc.pid > 1)", count: 9)
            yaml += "- macro: m\(level)\n  condition: \(open)m\(level - 1)\(close)\n"
        }
        yaml += "- rule: deep\n  desc: d\n  condition: evt.type = execve and m31\n  output: o\n  priority: INFO\n"
        let text = yaml
        let message = await runOnSmallStack {
            TestSupport.load(text).diagnostics.map(\.description).joined(separator: "\n")
        }
        #expect(message.contains("nested deeper than 120 levels after macro expansion"))
    }

    @Test("binary garbage is reported, not crashed on")
    func garbage() {
        let bytes: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
        let result = TestSupport.load(String(decoding: bytes, as: UTF8.self))
        #expect(!result.succeeded)
        #expect(result.errors.first.map { [.yamlParse, .yamlValidate].contains($0.code) } == true)
    }
}
