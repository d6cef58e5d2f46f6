import Foundation
import Testing
import TollgateEvents
@testable import TollgateRules

/// `KernelOpenCompiler`: what eBPF's capture program may kill on by itself must imply the rule.
@Suite("Kernel-decided conditions")
struct KernelOpenCompilerTests {
    private func condition(_ text: String, file: String = #fileID, line: Int = #line) throws -> KernelOpenCondition? {
        let result = TestSupport.load("""
            - list: clients
              items: [/usr/bin/ssh, /usr/bin/scp]
            - rule: R
              desc: d
              condition: \(text)
              output: o
              priority: ERROR
            """)
        let rule = try #require(result.ruleSet?.rules.first, "\(result.errors)")
        return rule.kernelOpenCondition
    }

    @Test func anOpenReadOfAFileWithAnExecutableExceptionIsDecided() throws {
        let decided = try #require(try condition("evt.type in (open, openat) and evt.is_open_read=true and fd.typechar='f' "
                                                 + "and evt.failed=false and fd.name startswith /root/.ssh/ and not proc.exepath in (clients)"))
        #expect(decided.clauses.count == 1)
        let clause = try #require(decided.clauses.first)
        #expect(clause.calls == ["open", "openat"])
        #expect(clause.required == .read)
        #expect(clause.forbidden == .directory)
        #expect(clause.passing == [KernelOpenCondition.Test(subject: .name, patterns: [.init(prefix: Array("/root/.ssh/".utf8))])])
        #expect(clause.failing == [KernelOpenCondition.Test(subject: .executable,
                                                             patterns: [.equal(Array("/usr/bin/ssh".utf8)), .equal(Array("/usr/bin/scp".utf8))])])
    }

    @Test func aClauseWithACheckTheKernelCannotMakeIsDropped() throws {
        // proc.name is the gate's idea of comm; the kernel's changes per thread: not decided.
        #expect(try condition("evt.type = openat and fd.name = /etc/shadow and proc.name != sshd") == nil)
        // The other way into the rule still is.
        let decided = try #require(try condition("evt.type = openat and (fd.name = /etc/shadow or proc.name = cat)"))
        #expect(decided.clauses.count == 1)
        #expect(decided.clauses.first?.passing.first?.patterns == [.equal(Array("/etc/shadow".utf8))])
    }

    @Test func callsOtherThanOpensAreNeverDecided() throws {
        #expect(try condition("evt.type = execve and proc.exepath = /usr/bin/nc") == nil)
        #expect(try condition("evt.type in (openat, unlinkat) and fd.name = /x")?.clauses.first?.calls == ["openat"])
        #expect(try condition("evt.type != openat and fd.name = /x")?.clauses.first?.calls == ["creat", "open", "open_by_handle_at", "openat2"])
    }

    @Test func failedCallsAndImpossibleClausesAreNotKilledOn() throws {
        #expect(try condition("evt.type = openat and evt.failed = true and fd.name = /x") == nil)
        #expect(try condition("evt.type = openat and fd.typechar = '4'") == nil)
        #expect(try condition("evt.type = openat and fd.name = /x and fd.name != /x") == nil)
        #expect(try condition("evt.type = openat and evt.is_open_read = true and evt.is_open_read = false") == nil)
    }

    @Test func globsAndPathPrefixesBecomePatterns() throws {
        let glob = try #require(try condition(#"evt.type = openat and fd.name glob "/etc/ssh/ssh_host_*_key""#))
        #expect(glob.clauses.first?.passing.first?.patterns
                == [KernelOpenCondition.Pattern(prefix: Array("/etc/ssh/ssh_host_".utf8), suffix: Array("_key".utf8))])
        // Two stars need a search the program does not make.
        #expect(try condition(#"evt.type = openat and fd.name glob "*/.aws/sso/cache/*""#) == nil)
        #expect(try condition(#"evt.type = openat and fd.name glob "/etc/[ab]""#) == nil)
        let prefix = try #require(try condition("evt.type = openat and fd.name pmatch (/var//run/)"))
        #expect(prefix.clauses.first?.passing.first?.patterns
                == [.equal(Array("/var/run".utf8)), KernelOpenCondition.Pattern(prefix: Array("/var/run/".utf8))])
        #expect(try condition("evt.type = openat and fd.name pmatch (var/run)") == nil)
        // Longer than a pattern holds.
        let long = "/" + String(repeating: "a", count: 80)
        #expect(try condition("evt.type = openat and fd.name startswith \(long)") == nil)
    }

    @Test func negationsTurnIntoFailingTests() throws {
        let decided = try #require(try condition("evt.type = openat and not (fd.directory = /tmp or fd.filename endswith .log)"))
        #expect(decided.clauses.count == 1)
        #expect(decided.clauses.first?.failing.map(\.subject) == [.directory, .filename])
    }

    @Test func aConditionThatGrowsPastTheLimitIsLeftToTheGate() throws {
        // 9 disjunctions of 2 conjoined: 2^9 clauses.
        let parts = (0..<9).map { "(fd.name = /a\($0) or fd.directory = /b\($0))" }
        #expect(try condition("evt.type = openat and " + parts.joined(separator: " and ")) == nil)
    }

    /// Every kill the program would make on the default ruleset is a finding of the same rule
    /// in the gate's engine, over names, flags and executables chosen around the rules' edges.
    @Test func kernelKillsOnTheDefaultRulesetAreFindingsOfTheEngine() throws {
        let source = try TestSupport.source(TestSupport.repositoryRoot.appendingPathComponent("rules/tollgate-ci.yaml"))
        let ruleSet = try #require(RuleLoader().load(files: [source]).ruleSet)
        let decided = ruleSet.rules.filter(\.enabled).compactMap { rule in rule.kernelOpenCondition.map { (rule.name, $0) } }
        #expect(decided.map(\.0).contains("CI Read SSH private key"))
        let engine = Engine(ruleSet)
        let names = ["/home/builder/.ssh/id_rsa", "/home/builder/.ssh/id_rsa.pub", "/home/builder/.ssh/known_hosts",
                     "/home/builder/.ssh/deploy.pem", "/root/.ssh/id_ed25519", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_key",
                     "/etc/ssh/ssh_host_rsa_key.pub", "/home/builder/.netrc", "/home/builder/.gnupg/private-keys-v1.d/A.key",
                     "/etc/ld.so.preload", "/home/builder/src/main.c", "/.ssh", "/", "/home/builder/.config/gh/hosts.yml",
                     "/etc/apparmor.d/usr.bin.x", "/home/builder/.password-store/x.gpg"]
        let executables = ["/usr/bin/cat", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/gpg", "/usr/bin/python3.11", "/usr/bin/git"]
        let flagSets: [UInt64] = [0, 1, 2, 0o200000, 0o10000000, 0o101]
        var kernelKills = 0
        for (index, executable) in executables.enumerated() {
            let script = EventScript()
            let pid = Int32(200 + index)
            _ = script.spawn(pid, exe: ByteString(executable), argv: [ByteString((executable as NSString).lastPathComponent)])
            for name in names {
                for flags in flagSets {
                    let event = try #require(script.open(pid, ByteString(name), flags: flags))
                    let found = Set(engine.evaluate(event).map(\.rule))
                    for (rule, condition) in decided where ReferenceKernel.holds(condition, call: "openat", flags: flags,
                                                                                  name: name, executable: executable) {
                        kernelKills += 1
                        #expect(found.contains(rule), "the kernel would kill \(executable) opening \(name) (flags \(flags)) on \(rule)")
                    }
                }
            }
        }
        #expect(kernelKills > 20, "the cases reach the kernel's clauses")
    }
}

/// The capture program's test of a clause (bpf/kernel_kill.h), restated for the agreement test.
enum ReferenceKernel {
    static func holds(_ condition: KernelOpenCondition, call: String, flags: UInt64, name: String, executable: String) -> Bool {
        let pathOnly = flags & 0o10000000 != 0, access = flags & 3
        var facts: KernelOpenCondition.Facts = []
        if !pathOnly && (access == 0 || access == 2) { facts.insert(.read) }
        if !pathOnly && (access == 1 || access == 2) { facts.insert(.write) }
        if flags & 0o200000 != 0 && flags & 0o20000000 == 0 { facts.insert(.directory) }
        let bytes = Array(name.utf8)
        let slash = bytes.lastIndex(of: UInt8(ascii: "/")) ?? 0
        let subjects: [KernelOpenCondition.Subject: [UInt8]] = [
            .name: bytes,
            .directory: facts.contains(.directory) ? bytes : slash == 0 ? [UInt8(ascii: "/")] : Array(bytes[..<slash]),
            .filename: Array(bytes[(slash + 1)...]),
            .executable: Array(executable.utf8),
        ]
        func passes(_ test: KernelOpenCondition.Test) -> Bool {
            let subject = subjects[test.subject] ?? []
            return test.patterns.contains { pattern in
                let needed = pattern.prefix.count + pattern.suffix.count
                return subject.count >= needed && (!pattern.exact || subject.count == needed)
                    && subject.starts(with: pattern.prefix) && subject.reversed().starts(with: pattern.suffix.reversed())
            }
        }
        return condition.clauses.contains { clause in
            clause.calls.contains(call) && facts.isSuperset(of: clause.required) && facts.isDisjoint(with: clause.forbidden)
                && clause.passing.allSatisfy(passes) && !clause.failing.contains(where: passes)
        }
    }
}
