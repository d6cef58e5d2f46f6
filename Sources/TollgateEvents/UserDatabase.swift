/// uid/gid to name lookups from passwd/group files (`user.name`, `user.homedir`,
/// `user.shell`, `user.loginname`, `group.name`). Parsed once, lazily; pure text parsing, so
/// tests can feed their own contents.
public final class UserDatabase {
    /// One passwd entry.
    public struct User: Sendable, Hashable {
        public let name: String
        public let uid: UInt32
        public let gid: UInt32
        public let home: String
        public let shell: String
    }

    private let loadPasswd: () -> String
    private let loadGroup: () -> String
    private var users: [UInt32: User]?
    private var groups: [UInt32: String]?

    /// Reads `/etc/passwd` and `/etc/group` (or the given paths) on first use.
    public convenience init(passwdPath: String = "/etc/passwd", groupPath: String = "/etc/group") {
        self.init(passwd: { readTextFile(passwdPath) ?? "" }, group: { readTextFile(groupPath) ?? "" })
    }

    /// Uses the given file contents.
    public convenience init(passwdContents: String, groupContents: String) {
        self.init(passwd: { passwdContents }, group: { groupContents })
    }

    init(passwd: @escaping () -> String, group: @escaping () -> String) {
        loadPasswd = passwd
        loadGroup = group
    }

    /// The passwd entry of `uid`, or nil.
    public func user(uid: UInt32) -> User? {
        if users == nil { users = Self.parsePasswd(loadPasswd()) }
        return users?[uid]
    }

    /// The group name of `gid`, or nil.
    public func groupName(gid: UInt32) -> String? {
        if groups == nil { groups = Self.parseGroup(loadGroup()) }
        return groups?[gid]
    }

    /// `name:x:uid:gid:gecos:home:shell` lines; the first entry for a uid wins; malformed lines
    /// are skipped.
    static func parsePasswd(_ text: String) -> [UInt32: User] {
        var result: [UInt32: User] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count >= 7, let uid = UInt32(f[2]), let gid = UInt32(f[3]), result[uid] == nil else { continue }
            result[uid] = User(name: String(f[0]), uid: uid, gid: gid, home: String(f[5]), shell: String(f[6]))
        }
        return result
    }

    /// `name:x:gid:members` lines; the first entry for a gid wins.
    static func parseGroup(_ text: String) -> [UInt32: String] {
        var result: [UInt32: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count >= 3, let gid = UInt32(f[2]), result[gid] == nil else { continue }
            result[gid] = String(f[0])
        }
        return result
    }
}
