/// How the cgroup hierarchies are mounted: per-run cgroups and container attribution need it.
public enum CgroupLayout: String, Codable, Sendable {
    /// Only the unified cgroup2 hierarchy, at `/sys/fs/cgroup`.
    case v2
    /// Only legacy cgroup v1 controllers.
    case v1
    /// v1 controllers plus a cgroup2 hierarchy (usually `/sys/fs/cgroup/unified`).
    case hybrid
    /// No cgroup file system is mounted.
    case none

    /// Classifies the text of `/proc/self/mounts` (`device mountpoint fstype options 0 0`).
    public init(procMounts text: String) {
        var unifiedAtRoot = false
        var unifiedElsewhere = false
        var legacy = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            switch fields[2] {
            case "cgroup2":
                if fields[1] == "/sys/fs/cgroup" { unifiedAtRoot = true } else { unifiedElsewhere = true }
            case "cgroup":
                legacy = true
            default:
                continue
            }
        }
        switch (legacy, unifiedAtRoot || unifiedElsewhere) {
        case (false, true): self = .v2
        case (true, true): self = .hybrid
        case (true, false): self = .v1
        case (false, false): self = .none
        }
    }
}

/// Where the cgroup hierarchies are mounted, from the text of `/proc/self/mounts`.
public struct CgroupMounts: Sendable, Equatable {
    /// The cgroup2 (unified) hierarchy's mount point: `/sys/fs/cgroup` when unified,
    /// `/sys/fs/cgroup/unified` on a hybrid host; nil when there is none.
    public var unified: String?
    /// The mount points of the cgroup v1 hierarchies (one per controller set).
    public var legacy: [String]

    public init(procMounts text: String) {
        unified = nil
        legacy = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            if fields[2] == "cgroup2", unified == nil { unified = String(fields[1]) }
            if fields[2] == "cgroup" { legacy.append(String(fields[1])) }
        }
    }
}
