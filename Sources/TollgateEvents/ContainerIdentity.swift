/// Which container a process runs in, from the name of its cgroup: engines name a container's
/// cgroup after its id (`<id>` under cgroupfs, `docker-<id>.scope`, `libpod-<id>.scope`,
/// `crio-<id>.scope`, `cri-containerd-<id>.scope` under systemd), as Falco reads them.
public enum ContainerIdentity {
    private static let prefixes = ["docker-", "libpod-", "crio-", "cri-containerd-"]

    /// The 64-hex container id a cgroup folder named `name` belongs to; nil for other names.
    public static func id(cgroupName name: String) -> String? {
        var id = Substring(name)
        if id.hasSuffix(".scope") { id = id.dropLast(6) }
        if let prefix = prefixes.first(where: { id.hasPrefix($0) }) { id = id.dropFirst(prefix.count) }
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        return String(id)
    }
}
