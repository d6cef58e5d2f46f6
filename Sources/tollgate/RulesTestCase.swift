import Foundation
import TollgateEvents
import TollgateRules

/// One case of a rule case file (`docs/rule-tests.md`): rules, a seed process, events (YAML
/// or a capture file) and the findings they must produce.
struct RulesTestCase {
    struct Expectation {
        var rule: String
        /// Exact count; nil means at least one.
        var count: Int?
        /// Substrings every matching finding's output must contain... at least one finding's.
        var outputs: [String]
    }

    struct Seed {
        var pid: Int32 = 100
        var ppid: Int32 = 1
        var exe = "/usr/bin/make"
        var args = ["make"]
        var env: [String] = []
        var cwd = "/build"
        var uid: UInt32 = 1000
        var gid: UInt32 = 1000
    }

    var name: String
    var location: SourceLocation
    /// Rules files, resolved against the case file's folder; empty means the built-in ruleset.
    var rules: [String]
    var seed = Seed()
    /// The gate's own environment, `NAME=value` entries: what the `ci.*` fields and the CI
    /// provider's job-control files come from.
    var gateEnvironment: [String] = []
    var events: [RawEvent] = []
    /// A capture file to replay instead of `events`.
    var capture: String?
    /// Containers as their engine would describe them, by full id (`containers:`).
    var containers: [String: ContainerTable.Container] = [:]
    var expectations: [Expectation]
}

/// A problem in a case file, at its position.
struct RulesTestFileError: Error, CustomStringConvertible {
    let location: SourceLocation
    let message: String
    var description: String { "\(location): error: \(message) [RULE_TEST_BAD_CASE]" }
}

/// Reads rule case files.
enum RulesTestCaseReader {
    static let caseKeys = ["case", "rules", "seed", "gate_env", "events", "capture", "containers", "expect"]
    static let eventKeys = ["kind", "pid", "tid", "ppid", "uid", "gid", "syscall", "args", "ret", "exe", "argv", "env",
                            "cwd", "child", "status", "flags", "resolved", "time", "cut", "gate", "cgroup"]
    static let containerKeys = ["name", "image", "image_id", "privileged", "host_pid", "host_network", "mounts"]

    static func read(path: String) throws(RulesTestFileError) -> [RulesTestCase] {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RulesTestFileError(location: start, message: "cannot read '\(path)'")
        }
        let (documents, failure) = YAMLTreeReader.read(SourceFile(path: path, text: text))
        if let failure { throw RulesTestFileError(location: failure.location, message: failure.message) }
        let folder = (path as NSString).deletingLastPathComponent
        var cases: [RulesTestCase] = []
        for document in documents {
            guard case .sequence(let items, _) = document else {
                if case .null = document { continue }
                throw RulesTestFileError(location: document.location, message: "a case file is a list of cases, found \(document.kindName)")
            }
            for item in items { cases.append(try readCase(item, folder: folder)) }
        }
        return cases
    }

    private static func readCase(_ value: YAMLValue, folder: String) throws(RulesTestFileError) -> RulesTestCase {
        let entries = try mapping(value, "a case", allowed: caseKeys)
        guard let name = entries["case"]?.scalar?.string else {
            throw RulesTestFileError(location: value.location, message: "a case needs 'case: NAME'")
        }
        guard let expect = entries["expect"] else {
            throw RulesTestFileError(location: value.location, message: "case '\(name)' needs 'expect:' (a list of findings; [] when it must stay quiet)")
        }
        var testCase = RulesTestCase(
            name: name, location: value.location,
            rules: try strings(entries["rules"]).map { resolve($0, folder) }, expectations: try expectations(expect))
        if let seed = entries["seed"] { testCase.seed = try readSeed(seed) }
        testCase.gateEnvironment = try strings(entries["gate_env"])
        if let containers = entries["containers"] { testCase.containers = try readContainers(containers) }
        if let capture = entries["capture"] {
            guard let path = capture.scalar?.string else {
                throw RulesTestFileError(location: capture.location, message: "'capture' takes a file path")
            }
            testCase.capture = resolve(path, folder)
        }
        switch (entries["events"], testCase.capture) {
        case (nil, nil):
            throw RulesTestFileError(location: value.location, message: "case '\(name)' needs 'events:' or 'capture:'")
        case (.some(let events), .some):
            throw RulesTestFileError(location: events.location, message: "case '\(name)' has both 'events:' and 'capture:'; keep one")
        case (.some(let events), nil):
            guard case .sequence(let items, _) = events else {
                throw RulesTestFileError(location: events.location, message: "'events' is a list of events")
            }
            var time: UInt64 = 1_000_000
            for item in items {
                time += 1_000
                testCase.events.append(try readEvent(item, seed: testCase.seed, time: &time))
            }
        case (nil, .some):
            break
        }
        return testCase
    }

    /// `containers:`, a mapping of full container ids to what their engine says of them.
    private static func readContainers(_ value: YAMLValue) throws(RulesTestFileError) -> [String: ContainerTable.Container] {
        guard case .mapping(let entries, _) = value else {
            throw RulesTestFileError(location: value.location, message: "'containers' maps container ids to their descriptions")
        }
        var containers: [String: ContainerTable.Container] = [:]
        for entry in entries {
            let id = entry.key
            guard ContainerIdentity.id(cgroupName: id) == id else {
                throw RulesTestFileError(location: entry.keyLocation, message: "'\(id)' is not a full container id (64 hex digits)")
            }
            let e = try mapping(entry.value, "a container", allowed: containerKeys)
            func text(_ key: String) throws(RulesTestFileError) -> String? { try e[key].map { v throws(RulesTestFileError) in try string(v) } }
            func flag(_ key: String) throws(RulesTestFileError) -> Bool? { try e[key].map { v throws(RulesTestFileError) in try boolean(v, key: key) } }
            containers[id] = ContainerTable.Container(
                name: try text("name"), image: try text("image"), imageID: try text("image_id"), privileged: try flag("privileged"),
                hostPID: try flag("host_pid"), hostNetwork: try flag("host_network"), mounts: try strings(e["mounts"]))
        }
        return containers
    }

    private static func readSeed(_ value: YAMLValue) throws(RulesTestFileError) -> RulesTestCase.Seed {
        let entries = try mapping(value, "the seed", allowed: ["pid", "ppid", "exe", "args", "env", "cwd", "uid", "gid"])
        var seed = RulesTestCase.Seed()
        if let v = entries["pid"] { seed.pid = Int32(truncatingIfNeeded: try integer(v)) }
        if let v = entries["ppid"] { seed.ppid = Int32(truncatingIfNeeded: try integer(v)) }
        if let v = entries["uid"] { seed.uid = UInt32(truncatingIfNeeded: try integer(v)) }
        if let v = entries["gid"] { seed.gid = UInt32(truncatingIfNeeded: try integer(v)) }
        if let v = entries["exe"] { seed.exe = try string(v) }
        if let v = entries["cwd"] { seed.cwd = try string(v) }
        if let v = entries["args"] { seed.args = try strings(v) }
        if let v = entries["env"] { seed.env = try strings(v) }
        return seed
    }

    private static func readEvent(_ value: YAMLValue, seed: RulesTestCase.Seed, time: inout UInt64) throws(RulesTestFileError) -> RawEvent {
        let e = try mapping(value, "an event", allowed: eventKeys)
        let kindName: String
        if let kind = e["kind"] {
            kindName = try string(kind)
        } else if e["syscall"] != nil {
            kindName = "syscall"
        } else if e["exe"] != nil {
            kindName = "exec"
        } else if e["child"] != nil {
            kindName = "fork"
        } else if e["status"] != nil {
            kindName = "exit"
        } else {
            throw RulesTestFileError(location: value.location, message: "an event needs 'syscall: NAME', 'exe:' (exec), 'child:' (fork), 'status:' (exit) or 'kind:'")
        }
        if let t = e["time"] { time = UInt64(truncatingIfNeeded: try integer(t)) }
        let pid = try e["pid"].map { v throws(RulesTestFileError) in Int32(truncatingIfNeeded: try integer(v)) } ?? seed.pid
        var event = RawEvent(kind: .syscall, timestamp: time, pid: pid, tid: pid, uid: seed.uid, gid: seed.gid)
        if let v = e["tid"] { event.tid = Int32(truncatingIfNeeded: try integer(v)) }
        if let v = e["ppid"] { event.ppid = Int32(truncatingIfNeeded: try integer(v)) }
        if let v = e["uid"] { event.uid = UInt32(truncatingIfNeeded: try integer(v)) }
        if let v = e["gid"] { event.gid = UInt32(truncatingIfNeeded: try integer(v)) }
        if let v = e["ret"] { event.returnValue = try integer(v) }
        if let args = e["args"], kindName == "syscall" {
            guard case .sequence(let items, _) = args else {
                throw RulesTestFileError(location: args.location, message: "'args' is a list (numbers, flag names like O_RDONLY|O_CLOEXEC, AT_FDCWD, or strings the argument points to)")
            }
            guard items.count <= 6 else { throw RulesTestFileError(location: args.location, message: "a syscall has at most 6 arguments") }
            for (i, item) in items.enumerated() {
                switch try argument(item) {
                case .number(let n): event.args[i] = n
                case .payload(let text): event.setPayload(.arg(i), Array(text.utf8))
                }
            }
        }
        switch kindName {
        case "syscall":
            guard let nameValue = e["syscall"] else { throw RulesTestFileError(location: value.location, message: "a syscall event needs 'syscall: NAME'") }
            let name = try string(nameValue)
            guard let number = SyscallTable.info(named: name)?.number(for: .native) else {
                throw RulesTestFileError(location: nameValue.location, message: "unknown syscall '\(name)'")
            }
            event.syscall = number
            if let v = e["resolved"] { event.setPayload(.resolvedPath, Array(try string(v).utf8)) }
            if let v = e["gate"], try boolean(v, key: "gate") { event.flags.insert(.gateTarget) }
        case "exec":
            event.kind = .processExec
            let exe = try e["exe"].map { v throws(RulesTestFileError) in try string(v) } ?? seed.exe
            event.setPayload(.exePath, Array(exe.utf8))
            let argv = try e["argv"].map { v throws(RulesTestFileError) in try strings(v) } ?? [(exe as NSString).lastPathComponent]
            event.setPayload(.argv, Array(argv.joined(separator: "\0").utf8))
            if let v = e["env"] { event.setPayload(.env, Array(try strings(v).joined(separator: "\0").utf8)) }
            if let v = e["cwd"] { event.setPayload(.cwd, Array(try string(v).utf8)) }
            if let v = e["flags"] { event.args[0] = UInt64(bitPattern: try integer(v)) }
            if let v = e["cut"], try boolean(v, key: "cut") { event.flags.insert([.commandLineTruncated, .payloadTruncated]) }
            if let v = e["cgroup"] { event.setPayload(.cgroup, Array(try string(v).utf8)) }
        case "fork":
            event.kind = .processFork
            guard let childValue = e["child"] else { throw RulesTestFileError(location: value.location, message: "a fork event needs 'child: PID'") }
            let child = try integer(childValue)
            event.returnValue = child
            event.args[0] = try e["flags"].map { v throws(RulesTestFileError) in UInt64(bitPattern: try integer(v)) } ?? 0x1200011
            event.args[1] = UInt64(bitPattern: child)
        case "exit":
            event.kind = .processExit
            event.returnValue = try e["status"].map { v throws(RulesTestFileError) in try integer(v) } ?? 0
        default:
            throw RulesTestFileError(location: e["kind"]?.location ?? value.location, message: "unknown event kind '\(kindName)'; use syscall, exec, fork or exit")
        }
        return event
    }

    private static func boolean(_ value: YAMLValue, key: String) throws(RulesTestFileError) -> Bool {
        switch try string(value) {
        case "true": return true
        case "false": return false
        default: throw RulesTestFileError(location: value.location, message: "'\(key)' is true or false")
        }
    }

    private static func expectations(_ value: YAMLValue) throws(RulesTestFileError) -> [RulesTestCase.Expectation] {
        if case .null = value { return [] }
        guard case .sequence(let items, _) = value else {
            throw RulesTestFileError(location: value.location, message: "'expect' is a list of findings ([] when the case must stay quiet)")
        }
        var result: [RulesTestCase.Expectation] = []
        for item in items {
            let e = try mapping(item, "an expected finding", allowed: ["rule", "count", "output"])
            guard let rule = e["rule"] else { throw RulesTestFileError(location: item.location, message: "an expected finding needs 'rule: NAME'") }
            result.append(RulesTestCase.Expectation(
                rule: try string(rule), count: try e["count"].map { v throws(RulesTestFileError) in Int(try integer(v)) },
                outputs: try strings(e["output"])))
        }
        return result
    }

    // MARK: Scalars

    enum Argument { case number(UInt64), payload(String) }

    /// A number, `AT_FDCWD`, flag names joined by `|`, or a string the argument points to.
    static func argument(_ value: YAMLValue) throws(RulesTestFileError) -> Argument {
        if case .null = value { return .number(0) }
        let text = try string(value)
        if let n = parseInteger(text) { return .number(UInt64(bitPattern: n)) }
        if text == "AT_FDCWD" { return .number(UInt64(bitPattern: -100)) }
        let names = text.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        if !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "_" } }) {
            var bits: UInt64 = 0
            for name in names {
                guard let v = FlagSet.allCases.lazy.compactMap({ FlagNames.value(of: name, in: $0) }).first else {
                    throw RulesTestFileError(location: value.location, message: "unknown flag name '\(name)'; write the number, or quote a lowercase string payload")
                }
                bits |= v
            }
            return .number(bits)
        }
        return .payload(text)
    }

    static func parseInteger(_ text: String) -> Int64? {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        var radix = 10
        if body.hasPrefix("0x") || body.hasPrefix("0X") { radix = 16; body = body.dropFirst(2) }
        else if body.hasPrefix("0o") { radix = 8; body = body.dropFirst(2) }
        guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(bitPattern: magnitude)
    }

    private static func integer(_ value: YAMLValue) throws(RulesTestFileError) -> Int64 {
        let text = try string(value)
        if text == "AT_FDCWD" { return -100 }
        guard let n = parseInteger(text) else {
            throw RulesTestFileError(location: value.location, message: "expected a number, found '\(text)'")
        }
        return n
    }

    private static func string(_ value: YAMLValue) throws(RulesTestFileError) -> String {
        guard let scalar = value.scalar else {
            throw RulesTestFileError(location: value.location, message: "expected a scalar, found \(value.kindName)")
        }
        return scalar.string
    }

    /// A scalar or a list of scalars; nil or null is empty.
    private static func strings(_ value: YAMLValue?) throws(RulesTestFileError) -> [String] {
        guard let value else { return [] }
        switch value {
        case .null: return []
        case .scalar(let s): return [s.string]
        case .sequence(let items, _):
            var result: [String] = []
            for item in items { result.append(try string(item)) }
            return result
        case .mapping(_, let location):
            throw RulesTestFileError(location: location, message: "expected a string or a list of strings, found a mapping")
        }
    }

    private static func mapping(_ value: YAMLValue, _ what: String, allowed: [String]) throws(RulesTestFileError) -> [String: YAMLValue] {
        guard case .mapping(let entries, _) = value else {
            throw RulesTestFileError(location: value.location, message: "\(what) is a mapping, found \(value.kindName)")
        }
        var result: [String: YAMLValue] = [:]
        for entry in entries {
            guard allowed.contains(entry.key) else {
                let hint = Suggestion.hint(for: entry.key, in: allowed)
                throw RulesTestFileError(location: entry.keyLocation,
                                         message: "unknown key '\(entry.key)' in \(what)\(hint) (keys: \(allowed.joined(separator: ", ")))")
            }
            result[entry.key] = entry.value
        }
        return result
    }

    private static func resolve(_ path: String, _ folder: String) -> String {
        path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path)
    }
}
