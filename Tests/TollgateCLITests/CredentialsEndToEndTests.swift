import Foundation
import Testing
import TollgateEvents

/// `thread.cap_*`, `user.uid` and the executable's identity (`proc.exe_ino*`,
/// `proc.is_exe_*`) on every backend, compared with what `/proc/thread-self/status` and `stat`
/// say (docs/fields.md), through what a job would try to look less privileged than it is: a
/// thread that drops its own credentials, a set-user-ID or file-capability program, capset then
/// exec, a failed setuid, its own image replaced after start.
@Suite(.serialized, .enabled(if: getuid() == 0, "needs root: set-user-ID and file-capability programs"))
struct CredentialsEndToEndTests {
    /// Each marker's open, with the fields compared; and Falco's "Detect release_agent File
    /// Container Escapes" without `container` (it stays quiet outside one).
    static let rules = """
        - rule: Credentials marker
          desc: shows the credentials and image of the thread that creates a marker
          condition: evt.type in (open, openat, openat2, creat) and fd.name endswith .marker
          output: >
            marker %fd.name eff=%thread.cap_effective prm=%thread.cap_permitted inh=%thread.cap_inheritable
            uid=%user.uid ino=%proc.exe_ino ctime=%proc.exe_ino.ctime mtime=%proc.exe_ino.mtime
            since=%proc.exe_ino.ctime_duration_proc_start start=%proc.pid.ts writable=%proc.is_exe_writable
            upper=%proc.is_exe_upper_layer memfd=%proc.is_exe_from_memfd pidns=%proc.pidns_init_start_ts
            after_pidns=%proc.exe_ino.ctime_duration_pidns_start
          priority: INFO
        - rule: Privileged release_agent write
          desc: Falco's "Detect release_agent File Container Escapes" minus its container condition
          condition: >
            open_write and fd.name endswith release_agent
            and (user.uid=0 or thread.cap_effective contains CAP_DAC_OVERRIDE)
            and thread.cap_effective contains CAP_SYS_ADMIN
          output: release_agent %fd.name cap_effective=%thread.cap_effective
          priority: INFO
        - rule: Became root by setuid
          desc: a setuid call after which the caller is root
          condition: evt.type = setuid and user.uid = 0
          output: setuid %evt.arg.uid
          priority: INFO

        """

    static let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"]

    /// One way to hold privileges a job might hope the gate misses: the probe's markers must show
    /// the credentials /proc showed, with these uids and effective sets, and the privileged
    /// release_agent write must fire.
    struct Privileged: Sendable, CustomTestStringConvertible {
        let name: String
        /// A copy of the probe to run instead of it: name, mode and setcap's text.
        var copy: (name: String, mode: mode_t, capabilities: String?)? = nil
        /// Run by uid 65534 (setpriv), not root.
        var asNobody = false
        let mode: [String]
        /// Expected `user.uid` and `thread.cap_effective` per marker; every marker's sets are
        /// also compared with its /proc status.
        let uids: [String: String]
        var effective: [String: String] = [:]
        var testDescription: String { name }
    }

    static let privileged: [Privileged] = [
        // A thread that drops to uid 65534 with a raw setresuid changes only its own
        // credentials: the main thread, still root, writes release_agent with CAP_SYS_ADMIN.
        .init(name: "a thread drops its own credentials", mode: ["thread-drop"], uids: ["dropped": "65534", "main": "0"]),
        // A set-user-ID root program run by uid 65534 runs as root with every capability.
        .init(name: "set-user-ID root program", copy: ("suid", 0o4755, nil), asNobody: true, mode: ["plain"], uids: ["plain": "0"]),
        // A program with file capabilities run by uid 65534 has them in its effective set.
        .init(name: "file capabilities", copy: ("fcap", 0o755, "cap_dac_override,cap_sys_admin+ep"), asNobody: true,
              mode: ["plain"], uids: ["plain": "65534"], effective: ["plain": "CAP_DAC_OVERRIDE CAP_SYS_ADMIN"]),
        // Root clears every capability set with capset, then execs: the exec gives them back,
        // and the gate must not keep the cleared sets past it.
        .init(name: "capset then exec", mode: ["capset-exec", "$PROBE"], uids: ["cleared": "0", "plain": "0"],
              effective: ["cleared": ""]),
    ]

    @Test(arguments: privileged, GateBackend.allCases)
    func privilegesAreSeen(_ privileged: Privileged, _ backend: GateBackend) throws {
        let run = try ProbeRun(backend)
        let program = try privileged.copy.map { try run.copyOfProbe($0.name, mode: $0.mode, capabilities: $0.capabilities) } ?? run.probe
        let command = [program.path, run.folder] + privileged.mode.map { $0 == "$PROBE" ? run.probe.path : $0 }
        let outcome = try run.gate((privileged.asNobody ? Self.nobody : []) + command)
        try run.expectMatchesStatus(Array(privileged.uids.keys), outcome)
        for (tag, uid) in privileged.uids {
            #expect(try run.marker(tag, outcome)["user.uid"] == uid, "\(tag)")
        }
        for (tag, set) in privileged.effective {
            #expect(try run.marker(tag, outcome)["thread.cap_effective"] == set, "\(tag)")
        }
        run.expectFired("Privileged release_agent write", outcome)
    }

    /// Soundness: uid 65534's setuid(0) fails, and nothing that needs it to have worked fires;
    /// its image (root's, mode 0755) is not writable by it (seccomp: unknown).
    @Test(arguments: GateBackend.allCases)
    func failedSetuidFiresNothing(_ backend: GateBackend) throws {
        let run = try ProbeRun(backend)
        let program = try run.copyOfProbe("probe", mode: 0o755)
        let outcome = try run.gate(Self.nobody + [program.path, run.folder, "fail-setuid"])
        try run.expectMatchesStatus(["after"], outcome)
        let marker = try run.marker("after", outcome)
        #expect(marker["user.uid"] == "65534")
        #expect(marker.says(backend == .seccomp ? "writable=<NA>" : "writable=false"), "\(marker)")
        #expect(!outcome.stderr.contains("Privileged release_agent write"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Became root by setuid"), "\(outcome.stderr)")
    }

    /// The image's inode and times are the ones `stat` gives; the duration since them is the
    /// process's start minus the ctime; root may write it; it is neither on overlayfs nor a memfd.
    @Test(arguments: GateBackend.allCases)
    func executableIdentityMatchesStat(_ backend: GateBackend) throws {
        let run = try ProbeRun(backend)
        let before = try FileStatus(run.probe.path)
        let outcome = try run.gate([run.probe.path, run.folder, "plain"])
        let marker = try run.marker("plain", outcome)
        #expect(marker["proc.exe_ino"] == "\(before.inode)", "\(marker)")
        #expect(marker["proc.exe_ino.ctime"] == "\(before.ctime)", "\(marker)")
        #expect(marker["proc.exe_ino.mtime"] == "\(before.mtime)", "\(marker)")
        let start = try #require(Int64(marker["proc.pid.ts"] ?? ""), "\(marker)")
        #expect(marker["proc.exe_ino.ctime_duration_proc_start"] == "\(max(0, start - before.ctime))", "\(marker)")
        // seccomp does not see the credentials an exec gives (docs/fields.md).
        #expect(marker.says(backend == .seccomp ? "writable=<NA>" : "writable=true"), "\(marker)")
        #expect(marker.says("upper=false") && marker.says("memfd=false"), "\(marker)")
        // The host's init started at boot, before this image was written.
        let namespaceStart = try #require(Int64(marker["proc.pidns_init_start_ts"] ?? ""), "\(marker)")
        #expect(abs(namespaceStart - Self.initStart()) < 2_000_000_000, "\(marker) vs \(Self.initStart())")
        #expect(marker["proc.exe_ino.ctime_duration_pidns_start"] == "\(before.ctime - namespaceStart)", "\(marker)")
    }

    /// A job that replaces its own image at the path after it started does not change what
    /// the gate says it runs.
    @Test(arguments: GateBackend.allCases)
    func replacedImageKeepsItsIdentity(_ backend: GateBackend) throws {
        let run = try ProbeRun(backend)
        let program = try run.copyOfProbe("probe", mode: 0o755)
        let replacement = try run.copyOfProbe("replacement", mode: 0o755)
        let original = try FileStatus(program.path)
        let replacing = try FileStatus(replacement.path)
        #expect(original.inode != replacing.inode)
        let outcome = try run.gate([program.path, run.folder, "replaced"])
        #expect(try FileStatus(program.path).inode == replacing.inode, "the job did not replace its image")
        let marker = try run.marker("replaced", outcome)
        #expect(marker["proc.exe_ino"] == "\(original.inode)", "\(marker)")
        #expect(marker["proc.exe_ino.ctime"] == "\(original.ctime)", "\(marker)")
    }

    /// An image dropped into an overlayfs mount is in its upper layer, one that was in the lower
    /// directory in its lower layer: eBPF tells them apart as Falco does (its "Drop and execute
    /// new binary in container" rule, minus `container`, fires on the dropped one); ptrace and
    /// seccomp say they cannot tell.
    @Test(arguments: GateBackend.allCases)
    func overlayLayers(_ backend: GateBackend) throws {
        let run = try ProbeRun(backend)
        let folders = ["lower", "upper", "work", "merged"].map { run.scratch.url.appendingPathComponent($0) }
        for folder in folders { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false) }
        try FileManager.default.copyItem(at: run.probe, to: folders[0].appendingPathComponent("base"))
        let options = "lowerdir=\(folders[0].path),upperdir=\(folders[1].path),workdir=\(folders[2].path)"
        guard mount("overlay", folders[3].path, "overlay", 0, options) == 0 else {
            print("skipped: overlayfs mount failed (errno \(errno))")
            try Test.cancel("overlayfs cannot be mounted here")
        }
        defer { umount2(folders[3].path, 0) }
        let dropped = folders[3].appendingPathComponent("dropped")
        try FileManager.default.copyItem(at: run.probe, to: dropped)
        let witness = try run.scratch.write("witness.yaml", """
            - rule: Witness dropped binary
              desc: Falco's "Drop and execute new binary in container" minus its container condition
              condition: spawned_process and proc.is_exe_upper_layer=true
              output: dropped %proc.exepath ctime=%proc.exe_ino.ctime since=%proc.exe_ino.ctime_duration_proc_start
              priority: INFO

            """)
        let script = try run.scratch.write("both.sh", """
            #!/bin/sh
            \(folders[3].path)/base "$1" report base
            \(folders[3].path)/dropped "$1" report dropped
            """)
        chmod(script.path, 0o755)
        let outcome = try run.gate([script.path, run.folder], extraRules: [witness])
        let (base, drop) = (try run.marker("base", outcome), try run.marker("dropped", outcome))
        if backend == .ebpf {
            #expect(base.says("upper=false") && drop.says("upper=true"), "base \(base)\ndropped \(drop)")
            run.expectFired("Witness dropped binary", outcome)
            #expect(!outcome.stderr.contains("Witness dropped binary: dropped \(folders[3].path)/base"), "\(outcome.stderr)")
        } else {
            #expect(base.says("upper=<NA>") && drop.says("upper=<NA>"), "base \(base)\ndropped \(drop)")
            let report = try String(contentsOf: run.junit, encoding: .utf8)
            #expect(report.contains("unknown for an image on overlayfs"), "the coverage does not say it: \(report.suffix(3000))")
        }
        #expect(drop["proc.exe_ino"] == "\(try FileStatus(dropped.path).inode)", "\(drop)")
    }

    /// The wall-clock start of pid 1 in nanoseconds, from /proc/stat's btime (to the second).
    static func initStart() -> Int64 {
        let stat = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
        let boot = stat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Int64($0.dropFirst(6)) } ?? 0
        let initStat = (try? String(contentsOfFile: "/proc/1/stat", encoding: .utf8)) ?? ""
        let fields = initStat.split(separator: ")").last?.split(separator: " ") ?? []
        let ticks = fields.count > 19 ? Int64(fields[19]) ?? 0 : 0
        return boot * 1_000_000_000 + ticks * (1_000_000_000 / Int64(sysconf(Int32(_SC_CLK_TCK))))
    }
}

/// Gate runs of the credentials probe in a scratch folder every user may write (removed with it).
final class ProbeRun {
    let backend: GateBackend
    let scratch: Scratch
    let probe: URL
    var folder: String { scratch.url.path }

    init(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: true)
        self.backend = backend
        scratch = try Scratch()
        chmod(scratch.url.path, 0o777)
        probe = try CFixture.compile("Tests/Fixtures/jobs/credentials_probe.c",
                                     to: scratch.url.appendingPathComponent("credentials_probe"), flags: ["-O1", "-pthread"])
    }

    deinit { scratch.remove() }

    /// A copy of the probe owned by root with `mode`, and file `capabilities` (setcap's text).
    func copyOfProbe(_ name: String, mode: mode_t, capabilities: String? = nil) throws -> URL {
        var filesystem = statvfs()
        if mode & 0o4000 != 0 || capabilities != nil, statvfs(scratch.url.path, &filesystem) == 0,
           filesystem.f_flag & UInt(ST_NOSUID) != 0 {
            print("skipped: \(scratch.url.path) is on a nosuid mount")
            try Test.cancel("the temporary folder is on a nosuid mount")
        }
        let copy = scratch.url.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: probe, to: copy)
        chmod(copy.path, mode)
        if let capabilities {
            let setcap = Process()
            setcap.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            setcap.arguments = ["setcap", capabilities, copy.path]
            try setcap.run()
            setcap.waitUntilExit()
            guard setcap.terminationStatus == 0 else { throw FixtureError(message: "setcap failed on \(copy.path)") }
        }
        return copy
    }

    /// Runs the gate with Falco's stable rules, `CredentialsEndToEndTests.rules` and
    /// `extraRules` over `command`.
    func gate(_ command: [String], extraRules: [URL] = []) throws -> GateRun.Outcome {
        let rules = try scratch.write("credentials.yaml", CredentialsEndToEndTests.rules)
        let json = scratch.url.appendingPathComponent("findings.json")
        let ruleArguments = ([EndToEnd.falcoStableRules, rules] + extraRules).flatMap { ["--rules", $0.path] }
        let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", backend.rawValue, "--grace", "5"]
                                      + ruleArguments + ["--json", json.path, "--junit", junit.path, "--"] + command,
                                  timeout: 120).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == 0, "gate exit \(outcome.status): \(outcome.stderr.prefix(3000))")
        return outcome
    }

    /// The run's JUnit report (its coverage testcase lists the blind spots).
    var junit: URL { scratch.url.appendingPathComponent("report.xml") }

    /// The output fields of the marker `tag`'s line (booleans: `says`).
    func marker(_ tag: String, _ outcome: GateRun.Outcome) throws -> [String: String] {
        let name = scratch.url.appendingPathComponent("\(tag).marker").path
        let lines = try FalcoJSONFile(scratch.url.appendingPathComponent("findings.json")).lines(for: "Credentials marker")
        let fields = lines.map { line in
            line.outputFields.mapValues { FieldCheck.text($0) }.merging(["output": line.object["output"] as? String ?? ""]) { $1 }
        }
        return try #require(fields.first { $0["fd.name"] == name },
                            "no marker '\(tag)' on \(backend): \(fields); stderr:\n\(outcome.stderr.prefix(3000))")
    }

    /// Each marker's capability sets are the ones its thread's /proc status showed.
    func expectMatchesStatus(_ tags: [String], _ outcome: GateRun.Outcome) throws {
        for tag in tags {
            let status = try String(contentsOf: scratch.url.appendingPathComponent("\(tag).status"), encoding: .utf8)
            let marker = try marker(tag, outcome)
            for (line, field) in [("CapEff:", "thread.cap_effective"), ("CapPrm:", "thread.cap_permitted"), ("CapInh:", "thread.cap_inheritable")] {
                let hex = status.split(separator: "\n").first { $0.hasPrefix(line) }?.dropFirst(line.count)
                    .trimmingCharacters(in: .whitespaces) ?? ""
                let expected = Capabilities.text(UInt64(hex, radix: 16) ?? 0).description
                #expect(marker[field] == expected, "\(tag) on \(backend): \(field) '\(marker[field] ?? "<none>")', /proc says '\(expected)'")
            }
        }
    }

    func expectFired(_ rule: String, _ outcome: GateRun.Outcome) {
        #expect(outcome.stderr.contains("tollgate: INFO \(rule): "), "'\(rule)' did not fire on \(backend):\n\(outcome.stderr.prefix(3000))")
    }
}

extension [String: String] {
    /// Whether the marker's rendered output holds `text` as one of its `key=value` parts.
    func says(_ text: String) -> Bool { (self["output"] ?? "").contains(" \(text) ") }
}

/// What `stat` says of a file: inode, and ctime and mtime in nanoseconds since the epoch.
struct FileStatus {
    let inode: UInt64
    let ctime: Int64
    let mtime: Int64

    init(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        inode = UInt64(info.st_ino)
        ctime = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}

/// With Falco's three rulesets loaded together, what `tollgate run -- true` reports not
/// evaluable (JUnit `skipped` testcases): on eBPF and ptrace only the rules that need the names
/// of network peers (`fd.*.name`, not captured yet); on seccomp also those that need a call's
/// result, or the credentials an exec gives (`thread.cap_*` on `spawned_process`).
struct FalcoRulesetEvaluableTests {
    static let expectedSkipped: [GateBackend: Int] = [.ebpf: 2, .ptrace: 2, .seccomp: 10]

    @Test(arguments: GateBackend.allCases)
    func skippedTestcasesOfTrue(_ backend: GateBackend) throws {
        try EndToEnd.skipUnlessRunnable(backend, needsRoot: backend == .ebpf)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let junit = scratch.url.appendingPathComponent("report.xml")
        let rules = EndToEnd.falcoStableRules.deletingLastPathComponent()
        var arguments = ["run", "--no-config", "--backend", backend.rawValue]
        for file in ["falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"] {
            arguments += ["--rules", rules.appendingPathComponent(file).path]
        }
        let outcome = try GateRun(arguments: arguments + ["--junit", junit.path, "--", "true"], timeout: 90).run()
        try EndToEnd.skipIfNotImplemented(backend, outcome)
        #expect(outcome.status == 0, "\(outcome.stderr.prefix(3000))")
        let report = try String(contentsOf: junit, encoding: .utf8)
        let reasons = report.components(separatedBy: "<skipped message=\"").dropFirst()
            .map { $0.prefix { $0 != "\"" }.replacingOccurrences(of: "&apos;", with: "'") }
        #expect(reasons.count == Self.expectedSkipped[backend], "\(backend): \(reasons.count) skipped:\n\(reasons.joined(separator: "\n"))")
        for reason in reasons {
            let names = reason.contains(".name'") && reason.contains("not captured by tollgate")
            let result = backend == .seccomp && reason.contains("which the seccomp backend does not see")
            #expect(names || result, "\(backend): unexpected reason '\(reason)'")
            #expect(!reason.contains("cap_") || backend == .seccomp, "\(backend): '\(reason)'")
            #expect(!reason.contains("exe_ino"), "\(backend): '\(reason)'")
        }
    }
}
