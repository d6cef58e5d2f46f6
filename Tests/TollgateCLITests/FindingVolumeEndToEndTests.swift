import Foundation
import Testing

/// 100,000 findings (20,000 distinct) cost the gate under 64 MiB more than the same job with
/// none: findings are kept merged by identity, with exact counts.
struct FindingVolumeEndToEndTests {
    static let rules = """
        - rule: Many opens
          desc: Every open below the scratch folder.
          condition: evt.type in (open, openat) and fd.name contains /tg-volume/
          output: opened %fd.name by %proc.cmdline
          priority: WARNING
        """

    @Test func hundredThousandFindingsStayUnder64MiB() throws {
        try EndToEnd.skipUnlessRunnable(.seccomp, needsRoot: false)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let folder = scratch.url.appendingPathComponent("tg-volume")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let job = try scratch.write("job.py", """
            import os, sys
            for i in range(100000):
                os.close(os.open(sys.argv[1] + "/" + str(i % 20000), os.O_RDONLY | os.O_CREAT, 0o600))
            """)
        let loud = try scratch.write("loud.yaml", Self.rules)
        let quiet = try scratch.write("quiet.yaml", Self.rules.replacingOccurrences(of: "/tg-volume/", with: "/tg-never/"))
        func peak(_ rules: URL, json: String) throws -> (status: Int32, mebibytes: Int, stderr: String) {
            // The peak RSS of the gate (and its job) as the kernel accounts it to the waiting parent.
            let measure = """
                import resource, subprocess, sys
                run = subprocess.run(sys.argv[1:], stderr=subprocess.PIPE)
                sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024))
                sys.stderr.write(run.stderr.decode(errors="replace"))
                sys.exit(run.returncode)
                """
            let outcome = try GateRun(arguments: ["run", "--no-config", "--backend", "seccomp", "--quiet", "--rules", rules.path,
                                                  "--json", json, "--", "python3", job.path, folder.path],
                                      wrapper: ["python3", "-c", measure], timeout: 300).run()
            return (outcome.status, Int(String(decoding: outcome.stdout, as: UTF8.self)) ?? -1, outcome.stderr)
        }
        let json = scratch.url.appendingPathComponent("findings.json").path
        let many = try peak(loud, json: json)
        let none = try peak(quiet, json: scratch.url.appendingPathComponent("none.json").path)
        #expect(many.status == 3, "\(many.stderr)")
        #expect(none.status == 0, "\(none.stderr)")
        let lines = try String(contentsOfFile: json, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10_001, "10,000 distinct findings and one group for the rest")
        let counts = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["count"] as? Int }
        #expect(counts.reduce(0, +) == 100_000, "every finding counted")
        #expect(many.mebibytes > 0 && none.mebibytes > 0)
        #expect(many.mebibytes - none.mebibytes < 64, "100,000 findings cost \(many.mebibytes - none.mebibytes) MiB (\(many.mebibytes) against \(none.mebibytes))")
    }
}
