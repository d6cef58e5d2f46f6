import Foundation

/// Linux capabilities, decoded from the hexadecimal masks in `/proc/<pid>/status`.
public struct Capabilities: Equatable, Sendable {
    /// The raw effective mask (`CapEff`).
    public let effective: UInt64

    public init(effective: UInt64) {
        self.effective = effective
    }

    /// Reads `CapEff:` from the text of a `/proc/<pid>/status` file; nil when it is missing.
    public init?(procStatus text: String) {
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces)
            guard let mask = UInt64(hex, radix: 16) else { return nil }
            self.init(effective: mask)
            return
        }
        return nil
    }

    public func has(_ capability: Capability) -> Bool {
        capability.rawValue < 64 && effective & (1 << capability.rawValue) != 0
    }

    /// Names of the capabilities held, in kernel order (`CAP_CHOWN`, ...).
    public var names: [String] {
        Capability.allCases.filter(has).map(\.name)
    }
}

/// The capabilities Linux defines (`linux/capability.h`).
public enum Capability: UInt64, CaseIterable, Sendable {
    case chown, dacOverride, dacReadSearch, fowner, fsetid, kill, setgid, setuid, setpcap,
         linuxImmutable, netBindService, netBroadcast, netAdmin, netRaw, ipcLock, ipcOwner,
         sysModule, sysRawio, sysChroot, sysPtrace, sysPacct, sysAdmin, sysBoot, sysNice,
         sysResource, sysTime, sysTtyConfig, mknod, lease, auditWrite, auditControl, setfcap,
         macOverride, macAdmin, syslog, wakeAlarm, blockSuspend, auditRead, perfmon, bpf,
         checkpointRestore

    /// The kernel's name, e.g. `CAP_SYS_ADMIN`.
    public var name: String {
        var words = "CAP_"
        for character in String(describing: self) {
            if character.isUppercase { words += "_" }
            words += character.uppercased()
        }
        return words
    }
}
