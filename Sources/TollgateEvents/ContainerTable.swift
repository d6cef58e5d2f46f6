import Synchronization

/// The containers of a run as their engine described them, by full id: what the
/// `container.*` fields say of a process whose cgroup names a container (`ContainerIdentity`).
/// Filled from the engine proxy's thread, read by the rules.
public final class ContainerTable: Sendable {
    /// One container, in Falco's terms.
    public struct Container: Sendable, Equatable {
        public var name: String?
        /// As given to the engine, e.g. `registry:5000/team/app:1.2` (`container.image`).
        public var image: String?
        /// The image's id, `sha256:<hex>` or the hex alone.
        public var imageID: String?
        public var privileged: Bool?
        public var hostPID: Bool?
        public var hostNetwork: Bool?
        /// Its mounts, each as `source:dest:mode:rdwr:propagation` (`container.mounts`).
        public var mounts: [String]

        public init(name: String? = nil, image: String? = nil, imageID: String? = nil, privileged: Bool? = nil,
                    hostPID: Bool? = nil, hostNetwork: Bool? = nil, mounts: [String] = []) {
            self.name = name
            self.image = image
            self.imageID = imageID
            self.privileged = privileged
            self.hostPID = hostPID
            self.hostNetwork = hostNetwork
            self.mounts = mounts
        }

        /// `container.image.repository` and `container.image.tag`: `image` split at the tag's
        /// colon (one after the last `/`), a digest (`@...`) left out.
        public var repositoryAndTag: (repository: String, tag: String)? {
            guard let image else { return nil }
            let named = image.split(separator: "@", maxSplits: 1).first.map(String.init) ?? image
            let lastSlash = named.lastIndex(of: "/") ?? named.startIndex
            if let colon = named[lastSlash...].lastIndex(of: ":") {
                return (String(named[..<colon]), String(named[named.index(after: colon)...]))
            }
            return (named, "")
        }

        /// `container.image.id`: the image id's first 12 hex digits.
        public var shortImageID: String? {
            imageID.map { id in String((id.hasPrefix("sha256:") ? id.dropFirst(7) : Substring(id)).prefix(12)) }
        }
    }

    private let containers = Mutex<[String: Container]>([:])

    public init() {}

    /// Records (or replaces) the container with the full id `id`.
    public func register(id: String, _ container: Container) {
        containers.withLock { $0[id] = container }
    }

    /// The container with the full id `id`, when its engine described it.
    public func container(id: String) -> Container? {
        containers.withLock { $0[id] }
    }
}
