/// uid/gid to name lookups from passwd/group files (`user.name`, `user.homedir`,
/// `user.shell`, `user.loginname`, `group.name`). Parsed once at creation and immutable, so one
/// database can be shared; pure text parsing, so tests can feed their own contents.
public final class UserDatabase: Sendable {
    /// One passwd entry.
    public struct User: Sendable, Hashable {
        public let name: String
        public let uid: UInt32
        public let gid: UInt32
        public let home: String
        public let shell: String
    }

    private let users: [UInt32: User]
    private let groups: [UInt32: String]

    /// Reads `/etc/passwd` and `/etc/group` (or the given paths) now; unreadable files give an
    /// empty database.
    public convenience init(passwdPath: String = "/etc/passwd", groupPath: String = "/etc/group") {
        self.init(passwdContents: readTextFile(passwdPath) ?? "", groupContents: readTextFile(groupPath) ?? "")
    }

    /// Uses the given file contents.
    public init(passwdContents: String, groupContents: String) {
        users = Self.parsePasswd(passwdContents)
        groups = Self.parseGroup(groupContents)
    }

    /// The passwd entry of `uid`, or nil.
    public func user(uid: UInt32) -> User? { users[uid] }

    /// The group name of `gid`, or nil.
    public func groupName(gid: UInt32) -> String? { groups[gid] }

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
