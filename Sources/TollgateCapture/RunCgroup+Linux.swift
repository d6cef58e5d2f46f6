import Foundation

/// The run's own cgroup, `/tollgate/<name>` in the cgroup2 hierarchy, created before the job
/// starts: a container engine told to place containers below it (`--cgroup-parent`) puts
/// them where the eBPF program follows them (`JobSpec.followedCgroup`). `stop` kills what is
/// left in it and removes it, with what engines left below it in every hierarchy.
public final class RunCgroup: @unchecked Sendable {
    /// The cgroup's path from the hierarchy's root, as engines take it: `/tollgate/<name>`.
    public let path: String
    /// Its folder in the cgroup2 hierarchy.
    public let directory: String
    private let mounts: CgroupMounts

    /// Creates `/tollgate/<name>` (by default named after this process and the time) in the
    /// cgroup2 hierarchy `mounts` name. Fails with the reason when there is none or it cannot
    /// be created (no privileges).
    public init(mounts: CgroupMounts = CgroupMounts(procMounts: (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""),
                name: String = "run-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1000))") throws(Failure) {
        guard let unified = mounts.unified else { throw Failure(description: "no cgroup2 hierarchy is mounted (see /proc/self/mounts)") }
        self.mounts = mounts
        path = "/tollgate/\(name)"
        directory = unified + path
        for folder in [unified + "/tollgate", directory] where mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw Failure(description: "cannot create the run's cgroup '\(folder)': \(String(cString: strerror(errno)))")
        }
    }

    /// Why the run's cgroup could not be made.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Whether processes run in the cgroup or below it.
    public var populated: Bool {
        let events = (try? String(contentsOfFile: directory + "/cgroup.events", encoding: .utf8)) ?? ""
        return events.split(separator: "\n").contains("populated 1")
    }

    /// Kills every process left in the cgroup and below it (`cgroup.kill`, else one by one),
    /// waits up to `timeout` seconds for them to go, then removes the cgroup and what engines
    /// created below it, in every hierarchy. Returns how many processes were left.
    @discardableResult
    public func stop(timeout: Double = 5) -> Int {
        let left = Set(processes(below: directory))
        if !left.isEmpty {
            if (try? "1".write(toFile: directory + "/cgroup.kill", atomically: false, encoding: .utf8)) == nil {
                for pid in left { kill(pid, SIGKILL) }
            }
            let deadline = Date().addingTimeInterval(timeout)
            while populated && Date() < deadline { usleep(10_000) }
        }
        for root in [mounts.unified].compactMap({ $0 }) + mounts.legacy {
            Self.removeTree(root + path)
        }
        if let unified = mounts.unified { rmdir(unified + "/tollgate") } // fails while other runs use it
        return left.count
    }

    /// The processes in `folder` and the cgroups below it.
    private func processes(below folder: String) -> [Int32] {
        var pids = ((try? String(contentsOfFile: folder + "/cgroup.procs", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
        for child in Self.subfolders(folder) { pids += processes(below: child) }
        return pids
    }

    private static func subfolders(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).map { folder + "/" + $0 }
            .filter { var status = stat(); return lstat($0, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR }
    }

    /// Removes the cgroup `folder` and the cgroups below it, deepest first.
    private static func removeTree(_ folder: String) {
        for child in subfolders(folder) { removeTree(child) }
        rmdir(folder)
    }
}
