/// Where the job's container engine listens, from the `DOCKER_HOST` it was given.
public enum EngineEndpoint: Equatable, Sendable {
    /// A unix socket the gate can stand in front of.
    case unix(path: String)
    /// An endpoint the gate cannot proxy (tcp://, ssh://, npipe://...): what the job starts
    /// through it is not seen.
    case unsupported(String)

    /// The socket a docker client uses without `DOCKER_HOST`.
    public static let defaultSocket = "/var/run/docker.sock"

    /// The endpoint for a job whose environment holds `dockerHost` (nil or empty: unset).
    public init(dockerHost: String?) {
        guard let dockerHost, !dockerHost.isEmpty else {
            self = .unix(path: Self.defaultSocket)
            return
        }
        let prefix = "unix://"
        if dockerHost.hasPrefix(prefix), dockerHost.count > prefix.count {
            self = .unix(path: String(dockerHost.dropFirst(prefix.count)))
        } else {
            self = .unsupported(dockerHost)
        }
    }
}
