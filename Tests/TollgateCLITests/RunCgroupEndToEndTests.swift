import Foundation
import Testing

/// The run's own cgroup on eBPF: a process that is no descendant of the job but runs under that
/// cgroup (as an engine's container does) is followed like the job's, and the cgroup is gone
/// once the run ends.
struct RunCgroupEndToEndTests {
    /// Where this machine's cgroup2 hierarchy keeps the runs' cgroups.
    static var runsFolder: String? {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let unified = mounts.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.count > 2 && $0[2] == "cgroup2" }
        return unified.map { String($0[1]) + "/tollgate" }
    }

    @Test func aProcessJoiningTheRunsCgroupFromOutsideIsFollowed() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let runs = try #require(Self.runsFolder, "no cgroup2 hierarchy")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-cgroup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let key = scratch.appendingPathComponent(".ssh/id_ed25519")
        try "-----BEGIN OPENSSH PRIVATE KEY-----\n".write(to: key, atomically: true, encoding: .utf8)
        let json = scratch.appendingPathComponent("findings.json")
        let marker = scratch.appendingPathComponent("outsider-done")
        // The job only waits for the outsider (at most 20 s): it reads nothing itself.
        let job = "for i in $(seq 200); do [ -e '\(marker.path)' ] && exit 0; sleep 0.1; done; exit 1"
        let running = try GateRun(arguments: ["run", "--no-config", "--quiet", "--backend", "ebpf", "--json", json.path, "--",
                                              "/bin/sh", "-c", job], timeout: 60).start()
        var folder: String?
        for _ in 0..<200 where folder == nil {
            folder = (try? FileManager.default.contentsOfDirectory(atPath: runs))?
                .first { $0.hasPrefix("run-\(running.pid)-") }.map { runs + "/" + $0 }
            if folder == nil { usleep(50_000) }
        }
        let cgroup = try #require(folder, "the run's cgroup did not appear in \(runs)")
        // Started by the test, not by the job: it joins the run's cgroup, then reads the key.
        let outsider = Process()
        outsider.executableURL = URL(fileURLWithPath: "/bin/sh")
        outsider.arguments = ["-c", "echo $$ > '\(cgroup)/cgroup.procs' && cat '\(key.path)' > /dev/null; touch '\(marker.path)'"]
        try outsider.run()
        outsider.waitUntilExit()
        let outcome = running.finish()
        #expect(outcome.status == 3, "\(outcome.stderr)")
        let findings = (try? String(contentsOf: json, encoding: .utf8)) ?? ""
        #expect(findings.contains("CI Read SSH private key") && findings.contains(key.path), "\(findings)\n\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cgroup), "the run's cgroup is left behind")
    }

    @Test func aProcessOutsideTheRunsCgroupIsNotFollowed() throws {
        try EndToEnd.skipUnlessRunnable(.ebpf, needsRoot: true)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-cgroup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent(".ssh"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let key = scratch.appendingPathComponent(".ssh/id_ed25519")
        try "-----BEGIN OPENSSH PRIVATE KEY-----\n".write(to: key, atomically: true, encoding: .utf8)
        let running = try GateRun(arguments: ["run", "--no-config", "--quiet", "--backend", "ebpf", "--", "/bin/sleep", "1"]).start()
        usleep(300_000)
        let outsider = Process()
        outsider.executableURL = URL(fileURLWithPath: "/bin/cat")
        outsider.arguments = [key.path]
        outsider.standardOutput = FileHandle.nullDevice
        try outsider.run()
        outsider.waitUntilExit()
        let outcome = running.finish()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }
}
