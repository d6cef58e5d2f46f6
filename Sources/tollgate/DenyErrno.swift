import TollgateEvents

/// `--deny-errno`: an errno name (`EPERM`, `EACCES`) or number.
enum DenyErrno {
    static func parse(_ text: String) -> Int32? {
        let code = Errno.code(named: text.uppercased()) ?? Int64(text)
        guard let code, Errno.name(code) != nil else { return nil }
        return Int32(code)
    }

    static func problem(_ text: String) -> String {
        "unknown errno '\(text)' for refused calls; use a name such as EPERM, EACCES or ENOENT, or its number"
    }
}
