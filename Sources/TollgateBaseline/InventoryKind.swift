/// The kinds of behaviour a run's inventory lists and a baseline keeps, each in its own section.
public enum InventoryKind: String, CaseIterable, Sendable, Comparable {
    case executable, networkEndpoint, loopbackEndpoint, fileWritten, containerImage, privilegedAction

    /// The section of the baseline file.
    public var section: String {
        switch self {
        case .executable: return "executables"
        case .networkEndpoint: return "network"
        case .loopbackEndpoint: return "loopback"
        case .fileWritten: return "files_written"
        case .containerImage: return "images"
        case .privilegedAction: return "privileged"
        }
    }

    /// A noun for messages: "executable", "network endpoint".
    public var noun: String {
        switch self {
        case .executable: return "executable"
        case .networkEndpoint: return "network endpoint"
        case .loopbackEndpoint: return "loopback endpoint"
        case .fileWritten: return "file written"
        case .containerImage: return "container image"
        case .privilegedAction: return "privileged action"
        }
    }

    /// The built-in rule whose findings are this kind's new entries.
    public var ruleName: String { "Not in baseline: \(noun)" }

    /// What an entry of this kind looks like, for the rule's description.
    public var entryForm: String {
        switch self {
        case .executable: return "`PATH <- PARENT`: the program run and its parent's name"
        case .networkEndpoint: return "`PROTOCOL ADDRESS:PORT` of a connection or datagram to a non-loopback peer"
        case .loopbackEndpoint: return "`PROTOCOL ADDRESS:PORT` of a connection or datagram to a loopback peer"
        case .fileWritten: return "a file opened for writing, created or renamed into, outside the workspace and the temp folders"
        case .containerImage: return "`ENGINE IMAGE` of a `docker`/`podman`/`nerdctl run` or `create`"
        case .privilegedAction: return "`SYSCALL by PATH`: a successful setuid/setgid/capset, mount, namespace or module call"
        }
    }

    public static func < (lhs: InventoryKind, rhs: InventoryKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The kind whose section is `name`.
    public init?(section name: String) {
        guard let kind = Self.allCases.first(where: { $0.section == name }) else { return nil }
        self = kind
    }
}
