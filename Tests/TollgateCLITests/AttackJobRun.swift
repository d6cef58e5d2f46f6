import Foundation
import Testing

/// Who runs the gate (and so the job) in the attack suites: root on every backend, `nobody`
/// where it can capture.
enum AttackRunner: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case ebpfAsRoot = "ebpf as root", ptraceAsRoot = "ptrace as root", seccompAsRoot = "seccomp as root"
    case ptraceAsNobody = "ptrace as nobody", seccompAsNobody = "seccomp as nobody"
    var testDescription: String { rawValue }
    var backend: GateBackend {
        switch self {
        case .ebpfAsRoot: .ebpf
        case .ptraceAsRoot, .ptraceAsNobody: .ptrace
        case .seccompAsRoot, .seccompAsNobody: .seccomp
        }
    }
    var asNobody: Bool { self == .ptraceAsNobody || self == .seccompAsNobody }
}

/// One job of `Tests/Fixtures/attacks/` run under `tollgate run` with the default rules.
struct AttackJobRun {
    let outcome: GateRun.Outcome
    /// The rules that fired (from the JSON findings).
    let rules: Set<String>

    /// Runs `attacks/<job>.sh` as `runner` in a fresh scratch folder anyone may write to;
    /// skips where the backend cannot run here.
    init(job: String, runner: AttackRunner) throws {
        try EndToEnd.skipUnlessRunnable(runner.backend, needsRoot: false)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-attack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(at: scratch) }
        let copy = runner.asNobody ? try TollgateBinary.copyForOtherUsers() : TollgateBinary.url
        defer { if runner.asNobody { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) } }
        let json = scratch.appendingPathComponent("findings.json")
        let directory = scratch.appendingPathComponent("job")
        outcome = try GateRun(
            arguments: ["run", "--quiet", "--backend", runner.backend.rawValue, "--json", json.path, "--",
                        "/bin/sh", RulesetFixtures.url("attacks/\(job).sh").path, directory.path],
            wrapper: runner.asNobody ? DoctorCommandTests.nobody : [], executable: copy, timeout: 90).run()
        try EndToEnd.skipIfNotImplemented(runner.backend, outcome)
        let text = (try? String(contentsOf: json, encoding: .utf8)) ?? ""
        rules = Set(text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["rule"] as? String
        })
    }
}
