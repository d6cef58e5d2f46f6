import Testing
import TollgateEvents
@testable import TollgateReports

@Suite("Secret masking")
struct SecretMaskTests {
    @Test("secret-looking variable names", arguments: [
        ("GITHUB_TOKEN", true), ("ACTIONS_RUNTIME_TOKEN", true), ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", true),
        ("CI_JOB_TOKEN", true), ("NPM_TOKEN", true), ("db_password", true), ("MYSQL_PASSWD", true),
        ("DEPLOY_KEY", true), ("STRIPE_API_KEY", true), ("client_secret", true), ("GPG_PASSPHRASE", true),
        ("AWS_ACCESS_KEY_ID", true), ("AWS_SESSION_TOKEN", true), ("AWS_ROLE_ARN", true),
        ("AWS_REGION", false), ("AWS_PROFILE", false), ("PATH", false), ("HOME", false),
        ("KEYBOARD", false), ("CI_COMMIT_SHA", false), ("GITHUB_SHA", false),
        ("MYSQL_PWD", true), ("SMTP_PASS", true), ("SENTRY_DSN", true), ("DOCKER_AUTH_CONFIG", true),
        ("DATABASE_URL", true), ("SLACK_WEBHOOK_URL", true), ("GITHUB_AUTHOR", false), ("PWD", false),
    ])
    func names(name: String, secret: Bool) {
        #expect(SecretNames.isSecret(name) == secret)
    }

    @Test("names the user declares are secret too")
    func declaredNames() {
        #expect(!SecretNames.isSecret("NOTIFY_URL"))
        #expect(SecretNames.isSecret("NOTIFY_URL", extra: ["NOTIFY_URL"]))
        let mask = SecretMask(environment: ["NOTIFY_URL": "https://hooks.example/abc123", "HOME": "/home/runner"], extraNames: ["NOTIFY_URL"])
        #expect(mask.apply("curl https://hooks.example/abc123 from /home/runner") == "curl *** from /home/runner")
    }

    @Test("values are masked inside longer strings, every time, counted", arguments: [
        ("token=s3cr3t-value;", "token=***;", 1),
        ("s3cr3t-values3cr3t-value", "***", 1),
        ("a s3cr3t-valu b", "a s3cr3t-valu b", 0),
        ("url?t=s3cr3t%2Dvalue&x", "url?t=s3cr3t%2Dvalue&x", 0),
        ("url?p=p%40ss%20word%21&x", "url?p=***&x", 1),
        ("p@ss word!", "***", 1),
    ])
    func values(text: String, expected: String, replacements: Int) {
        let mask = SecretMask(values: ["s3cr3t-value", "p@ss word!", "short"])
        var count = 0
        #expect(mask.apply(text, count: &count) == expected)
        #expect(count == replacements)
    }

    @Test("values shorter than 6 bytes are not masked")
    func shortValues() {
        let mask = SecretMask(values: ["12345", "true"])
        #expect(mask.apply("12345 true") == "12345 true")
    }

    @Test("a value containing another is masked whole")
    func nestedValues() {
        let mask = SecretMask(values: ["abcdef", "xxabcdefxx"])
        #expect(mask.apply("1 xxabcdefxx 2 abcdef") == "1 *** 2 ***")
    }

    @Test("well-known token formats are masked without knowing the value", arguments: [
        ("git push https://x:ghp_0123456789abcdefghij0123456789ABCDEF@github.com/o/r", "git push https://x:***@github.com/o/r"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS", "***"),
        ("GITLAB=glpat-abcdefghij0123456789", "GITLAB=***"),
        ("AKIAIOSFODNN7EXAMPLE used", "*** used"),
        ("AKIAIOSFODNN7EXAMPLE1 is too long for an id", "AKIAIOSFODNN7EXAMPLE1 is too long for an id"),
        ("xoxb-1234567890-abcdefghij", "***"),
        ("//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789", "//registry.npmjs.org/:_authToken=***"),
        ("pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKl", "***"),
        ("ghp_short", "ghp_short"),
        ("xghp_0123456789abcdefghij0123456789ABCDEF", "xghp_0123456789abcdefghij0123456789ABCDEF"),
    ])
    func tokenFormats(text: String, expected: String) {
        #expect(SecretMask(values: []).apply(text) == expected)
    }

    @Test("a finding is masked in its output, fields, command line, paths and process names")
    func finding() {
        let mask = SecretMask(values: ["hunter2hunter2"])
        let finding = ReportFinding(
            rule: "r", priority: .error, output: "cmd=curl -u me:hunter2hunter2 x file=/tmp/hunter2hunter2",
            outputFields: [ReportField("proc.cmdline", .string("curl -u me:hunter2hunter2 x")), ReportField("proc.pid", .integer(7))],
            time: 1, hostname: "h", processChain: [ProcessLink(name: "hunter2hunter2", pid: 1)],
            exe: "/tmp/hunter2hunter2/curl", cmdline: "curl -u me:hunter2hunter2 x", target: "/tmp/hunter2hunter2")
        var count = 0
        let masked = mask.apply(to: finding, count: &count)
        #expect(masked.output == "cmd=curl -u me:*** x file=/tmp/***")
        #expect(masked.outputFields == [ReportField("proc.cmdline", .string("curl -u me:*** x")), ReportField("proc.pid", .integer(7))])
        #expect(masked.cmdline == "curl -u me:*** x")
        #expect(masked.exe == "/tmp/***/curl")
        #expect(masked.target == "/tmp/***")
        #expect(masked.processChain == [ProcessLink(name: "***", pid: 1)])
        #expect(count == 6, "the output's copy of the masked command line is not counted twice")
    }

    @Test("a secret split across two fields of one output is masked in both fields")
    func splitAcrossFields() {
        let mask = SecretMask(values: ["topsecretvalue"])
        let finding = ReportFinding(
            rule: "r", priority: .error, output: "name=topsecret args=value",
            outputFields: [ReportField("proc.name", .string("topsecret")), ReportField("proc.args", .string("value"))],
            time: 1, hostname: "h")
        var count = 0
        let split = ReportFinding(rule: "r", priority: .error, output: "x=topsecretvalue",
                                  outputFields: [ReportField("a", .string("topsecret")), ReportField("b", .string("value"))], time: 1, hostname: "h")
        // Apart, the leading piece still gives most of the secret away; the tail alone does not.
        #expect(mask.apply(to: finding, count: &count).outputFields.map(\.value.text) == ["***", "value"])
        // Joined in the output, both halves are masked.
        let masked = mask.apply(to: split, count: &count)
        #expect(masked.output == "x=***")
        #expect(masked.outputFields.map(\.value.text) == ["***", "***"])
    }

    @Test("secrets of an exec's environment are learned by name")
    func learnsFromEnvironment() {
        var mask = SecretMask(environment: [:], extraNames: ["HOOK"])
        mask.learn(environment: ["PATH=/usr/bin", "DEPLOY_TOKEN=abcdefgh1234", "HOOK=https://h.example/x1", "PASSWORD=short"].map { ByteString($0) })
        #expect(mask.apply("/usr/bin abcdefgh1234 https://h.example/x1 short") == "/usr/bin *** *** short")
    }

    @Test("what a capture cut off keeps of a secret is masked: a process name, the end of a command line")
    func cutOffSecrets() {
        let mask = SecretMask(values: ["Zq9xK2mP7vR4tY8abc12", "Aa1Bb2Cc3Dd4Ee5"])
        #expect(mask.apply("read by Zq9xK2mP7vR4tY8 (file=x)") == "read by *** (file=x)")
        #expect(mask.apply("cat x Aa1Bb2Cc3") == "cat x ***")
        #expect(mask.apply("cat x Aa1Bb") == "cat x Aa1Bb", "5 bytes say nothing")
        let finding = ReportFinding(rule: "r", priority: .error, output: "cmdline=cat x Aa1Bb2Cc3 parent=sh", time: 1, hostname: "h",
                                    cmdline: "cat x Aa1Bb2Cc3")
        var count = 0
        let masked = mask.apply(to: finding, count: &count)
        #expect(masked.cmdline == "cat x ***")
        #expect(masked.output == "cmdline=cat x *** parent=sh")
    }

    @Test("values learned from the job's execs must look like credentials, and are bounded")
    func learnedValues() {
        var mask = SecretMask(environment: [:])
        mask.learn(environment: ["A_TOKEN=/home/runner/.ssh/id_rsa", "B_TOKEN=SSH private key read by", "C_TOKEN=short7",
                                 "D_TOKEN=abcdefgh12"].map { ByteString($0) })
        #expect(mask.apply("/home/runner/.ssh/id_rsa SSH private key read by short7 abcdefgh12")
                == "/home/runner/.ssh/id_rsa SSH private key read by short7 ***")
        var many = SecretMask(environment: [:])
        for index in 0..<(SecretMask.maximumLearnedValues + 10) {
            many.learn(environment: [ByteString("X_TOKEN=value-\(index)-abcdef")])
        }
        #expect(many.apply("value-0-abcdef") == "***")
        #expect(many.apply("value-\(SecretMask.maximumLearnedValues + 5)-abcdef") == "value-\(SecretMask.maximumLearnedValues + 5)-abcdef")
    }
}

@Suite("Finding ledger")
struct FindingLedgerTests {
    static func finding(_ rule: String, target: String, time: UInt64) -> ReportFinding {
        ReportFinding(rule: rule, priority: .warning, output: "\(rule) \(target)", time: time, hostname: "h", exe: "/bin/cat", target: target)
    }

    @Test("findings with one identity are merged with a count and the last time")
    func merges() {
        var ledger = FindingLedger()
        for time in 1...5 { ledger.add(Self.finding("a", target: "/x", time: UInt64(time))) }
        ledger.add(Self.finding("a", target: "/y", time: 9))
        #expect(ledger.total == 6)
        #expect(ledger.groups.map(\.count) == [5, 1])
        #expect(ledger.groups[0].lastTime == 5)
        #expect(ledger.groups[0].first.time == 1)
    }

    @Test("past the bound on distinct identities, new ones merge into one group per rule, counts exact")
    func bounded() {
        var ledger = FindingLedger(maximumGroups: 3)
        for index in 0..<1_000 { ledger.add(Self.finding(index % 2 == 0 ? "even" : "odd", target: "/f\(index)", time: UInt64(index))) }
        #expect(ledger.total == 1_000)
        #expect(ledger.groups.count == 5, "3 distinct, then one overflow group per rule")
        #expect(ledger.groups.reduce(0) { $0 + $1.count } == 1_000)
        #expect(Set(ledger.groups.dropFirst(3).map(\.first.rule)) == ["even", "odd"])
    }

    @Test("merging ledgers keeps totals and identities")
    func merging() {
        var first = FindingLedger([Self.finding("a", target: "/x", time: 1), Self.finding("a", target: "/x", time: 2)])
        let second = FindingLedger([Self.finding("a", target: "/x", time: 7), Self.finding("b", target: "/x", time: 8)])
        first.merge(second)
        #expect(first.total == 4)
        #expect(first.groups.map(\.count) == [3, 1])
        #expect(first.groups[0].lastTime == 7)
    }

    @Test("distinct findings with huge text merge into the overflow group past the byte budget")
    func byteBudget() {
        var ledger = FindingLedger()
        let huge = String(repeating: "x", count: 1 << 20)
        for index in 0..<100 {
            ledger.add(ReportFinding(rule: "big", priority: .warning, output: huge, time: UInt64(index), hostname: "h",
                                     exe: "/bin/cat", target: "/f\(index)"))
        }
        #expect(ledger.total == 100)
        #expect(ledger.groups.count < 30, "\(ledger.groups.count) groups kept")
        #expect(ledger.events.count < 20)
        #expect(!ledger.keepsEveryEvent)
        #expect(ledger.groups.reduce(0) { $0 + $1.count } == 100)
    }
}
