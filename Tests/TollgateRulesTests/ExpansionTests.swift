import Testing
@testable import TollgateRules

/// A rules file and the canonical condition its rule `r` must compile to.
struct ExpansionCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var canonical: String
    var testDescription: String { name }

    init(_ name: String, _ yaml: String, _ canonical: String) {
        self.name = name
        self.yaml = yaml
        self.canonical = canonical
    }
}

/// Builds a rules file ending with rule `r` whose condition is `condition`.
func ruleFile(_ prelude: String, _ condition: String, extra: String = "") -> String {
    prelude + "\n- rule: r\n  desc: d\n  condition: \(condition)\n  output: o\n  priority: INFO\n" + extra
}

@Suite("Canonical conditions after lists, macros and exceptions")
struct ExpansionTests {
    static let lists = "- list: shells\n  items: [bash, sh]\n- list: empty\n  items: []\n- list: apps\n  items: ['my app', \"'quoted one'\"]"

    static let listCases: [ExpansionCase] = [
        ExpansionCase("list in parentheses", ruleFile(lists, "proc.name in (shells)"), "proc.name in (bash, sh)"),
        ExpansionCase("list mixed with literals", ruleFile(lists, "proc.name in (zsh, shells, fish)"), "proc.name in (zsh, bash, sh, fish)"),
        ExpansionCase("empty list swallows the following comma", ruleFile(lists, "proc.name in (empty, bash)"), "proc.name in (bash)"),
        ExpansionCase("empty list swallows the preceding comma", ruleFile(lists, "proc.name in (bash, empty)"), "proc.name in (bash)"),
        ExpansionCase("empty list alone", ruleFile(lists, "proc.name in (empty)"), "proc.name in ()"),
        ExpansionCase("items with spaces are quoted, quoted items kept", ruleFile(lists, "proc.name in (apps)"), "proc.name in (\"my app\", \"quoted one\")"),
        ExpansionCase("longer words are not substituted", ruleFile(lists, "proc.name = shells_extra"), "proc.name = shells_extra"),
        ExpansionCase("list referencing an earlier list",
                      ruleFile(lists + "\n- list: more\n  items: [shells, zsh]", "proc.name in (more)"), "proc.name in (bash, sh, zsh)"),
        ExpansionCase("list appended with override",
                      ruleFile(lists + "\n- list: shells\n  items: [zsh]\n  override:\n    items: append", "proc.name in (shells)"), "proc.name in (bash, sh, zsh)"),
        ExpansionCase("list replaced by redefinition",
                      ruleFile(lists + "\n- list: shells\n  items: [ksh]", "proc.name in (shells)"), "proc.name in (ksh)"),
        ExpansionCase("list after = is substituted too (Falco's pitfall), one item",
                      ruleFile("- list: one\n  items: [bash]", "proc.name = one"), "proc.name = bash"),
    ]

    static let macros = "- macro: spawned_process\n  condition: evt.type in (execve, execveat)\n- macro: shell_procs\n  condition: proc.name in (shells)\n" + lists

    static let macroCases: [ExpansionCase] = [
        ExpansionCase("macros expand on the AST", ruleFile(macros, "spawned_process and shell_procs"),
                      "(evt.type in (execve, execveat) and proc.name in (bash, sh))"),
        ExpansionCase("not macro", ruleFile(macros, "spawned_process and not shell_procs"),
                      "(evt.type in (execve, execveat) and not proc.name in (bash, sh))"),
        ExpansionCase("nested macros", ruleFile(macros + "\n- macro: shell_spawn\n  condition: spawned_process and shell_procs", "shell_spawn and proc.pid > 1"),
                      "((evt.type in (execve, execveat) and proc.name in (bash, sh)) and proc.pid > 1)"),
        ExpansionCase("macro appended with override",
                      ruleFile(macros + "\n- macro: shell_procs\n  condition: or proc.name = zsh\n  override:\n    condition: append", "shell_procs"),
                      "(proc.name in (bash, sh) or proc.name = zsh)"),
        ExpansionCase("macro appended with legacy append",
                      ruleFile(macros + "\n- macro: shell_procs\n  condition: or proc.name = zsh\n  append: true", "shell_procs"),
                      "(proc.name in (bash, sh) or proc.name = zsh)"),
        ExpansionCase("macro redefined: the last definition wins",
                      ruleFile(macros + "\n- macro: shell_procs\n  condition: proc.name = ksh", "shell_procs"), "proc.name = ksh"),
        ExpansionCase("rules see macros defined after them",
                      ruleFile("", "late_macro") + "- macro: late_macro\n  condition: proc.name = late\n", "proc.name = late"),
        ExpansionCase("rule condition appended with override",
                      ruleFile(macros, "spawned_process", extra: "- rule: r\n  condition: and shell_procs\n  override:\n    condition: append\n"),
                      "(evt.type in (execve, execveat) and proc.name in (bash, sh))"),
        ExpansionCase("rule condition replaced with override",
                      ruleFile(macros, "spawned_process", extra: "- rule: r\n  condition: proc.name = x\n  override:\n    condition: replace\n"),
                      "proc.name = x"),
        ExpansionCase("rule condition appended with legacy append",
                      ruleFile(macros, "spawned_process", extra: "- rule: r\n  condition: and proc.name = x\n  append: true\n"),
                      "(evt.type in (execve, execveat) and proc.name = x)"),
    ]

    /// Falco's documented exception examples (falcosecurity/falco unit tests, reference §2.4).
    static let exceptionCases: [ExpansionCase] = [
        ExpansionCase("exception with a quoted value",
                      ruleFile("", "proc.cmdline contains curl or proc.cmdline contains wget",
                               extra: "  exceptions:\n    - name: test_exception\n      fields: [proc.cmdline]\n      comps: [contains]\n      values: [[curl 127.0.0.1]]\n"),
                      "((proc.cmdline contains curl or proc.cmdline contains wget) and not proc.cmdline contains \"curl 127.0.0.1\")"),
        ExpansionCase("exception with startswith oneof and a list value",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: ex\n      fields: [proc.name, fd.name]\n      comps: [startswith oneof, startswith]\n      values: [[[sshd, sudo], /etc/]]\n"),
                      "(evt.type = open and not (proc.name startswith oneof (sshd, sudo) and fd.name startswith /etc/))"),
        ExpansionCase("modifier with a scalar value is parenthesised",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: ex\n      fields: [proc.name]\n      comps: [startswith oneof]\n      values: [[sshd]]\n"),
                      "(evt.type = open and not proc.name startswith oneof (sshd))"),
        ExpansionCase("a transformer value becomes a field comparison",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: test_exception\n      fields: [proc.name]\n      comps: [=]\n      values: [[toupper(proc.pname)]]\n"),
                      "(evt.type = open and not proc.name = toupper(proc.pname))"),
        ExpansionCase("scalar fields default to in",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: ex\n      fields: proc.name\n      values: [sshd, my app]\n"),
                      "(evt.type = open and not proc.name in (sshd, \"my app\"))"),
        ExpansionCase("several tuples become an or of ands",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: ex\n      fields: [proc.name, fd.name]\n      values: [[a, /x], [b, /y]]\n"),
                      "(evt.type = open and not ((proc.name = a and fd.name = /x) or (proc.name = b and fd.name = /y)))"),
        ExpansionCase("two exceptions are two and-nots",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: e1\n      fields: [proc.name]\n      values: [[a]]\n    - name: e2\n      fields: [fd.name]\n      comps: [pmatch]\n      values: [[/tmp]]\n"),
                      "(evt.type = open and not proc.name = a and not fd.name pmatch (/tmp))"),
        ExpansionCase("an exception without values adds nothing",
                      ruleFile("", "evt.type = open", extra: "  exceptions:\n    - name: ex\n      fields: [proc.name]\n"),
                      "evt.type = open"),
        ExpansionCase("exception values appended with override",
                      ruleFile("", "evt.type = open",
                               extra: "  exceptions:\n    - name: ex\n      fields: [proc.name]\n      values: [[a]]\n- rule: r\n  exceptions:\n    - name: ex\n      values: [[b]]\n  override:\n    exceptions: append\n"),
                      "(evt.type = open and not (proc.name = a or proc.name = b))"),
    ]

    @Test("lists expand by text substitution", arguments: listCases)
    func listExpansion(_ testCase: ExpansionCase) { check(testCase) }

    @Test("macros expand on the AST", arguments: macroCases)
    func macroExpansion(_ testCase: ExpansionCase) { check(testCase) }

    @Test("exceptions compile to Falco's documented conditions", arguments: exceptionCases)
    func exceptions(_ testCase: ExpansionCase) { check(testCase) }

    func check(_ testCase: ExpansionCase) {
        let result = TestSupport.load(testCase.yaml)
        #expect(result.errors.map(\.description) == [])
        let rule = result.ruleSet?.rules.first { $0.name == "r" }
        #expect(rule?.condition == testCase.canonical)
    }

    @Test("a list name after = with several items is a parse error, as in Falco")
    func listAfterEquals() {
        let result = TestSupport.load(ruleFile(Self.lists, "proc.name = shells"))
        #expect(result.errors.first?.code == .compileCondition)
        #expect(result.errors.first?.message.contains("unexpected token after 'bash'") == true)
    }

    @Test("later files override earlier ones and positions name the right file")
    func laterFilesOverride() {
        let base = ruleFile("- macro: m\n  condition: proc.name = a", "m")
        let local = "- macro: m\n  condition: proc.name = b\n- rule: r\n  priority: ERROR\n  override:\n    priority: replace\n"
        let result = TestSupport.load([("base.yaml", base), ("local.yaml", local)])
        let rule = result.ruleSet?.rules.first
        #expect(rule?.condition == "proc.name = b")
        #expect(rule?.priority == .error)
        #expect(rule?.location == SourceLocation(file: "base.yaml", line: 3, column: 3))
    }

    @Test("a parse error inside a substituted list points at the list name")
    func errorInsideList() {
        let result = TestSupport.load(ruleFile("- list: bad\n  items: ['a b', '(']", "proc.name in (bad)"))
        let error = result.errors.first
        #expect(error?.code == .compileCondition)
        #expect(error?.location?.line == 5)
        #expect(error?.location?.column == 28)
    }
}
