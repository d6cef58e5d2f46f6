import Foundation

/// What the engine proxy does with one request of the Docker Engine API: pure logic, no I/O.
///
/// The daemon routes on the percent-decoded path, matches JSON keys without regard to case
/// (Go's encoding/json, with its Unicode folds) and reads `cgroupparent` from the query, or
/// from a form body: every spelling it would accept is recognised here, and what cannot be
/// rewritten with certainty is refused.
public enum EngineRequest: Equatable, Sendable {
    /// `POST [/vX.Y]/containers/create`: the body is rewritten (`placing(createBody:in:)`).
    case createContainer
    /// `POST [/vX.Y]/build`: the query is rewritten (`placingBuild(uri:in:)`).
    case build
    /// A call that runs a program in an existing container (start, restart, unpause, exec,
    /// attach): fine for the run's own containers, unseen for others.
    case enterContainer(reference: String)
    /// A call that makes the engine run programs where no cgroup parent applies (swarm
    /// services, plugins, a BuildKit session or gRPC connection).
    case unplaceable(what: String)
    /// Files the engine itself copies out of or into a container (`docker cp`, `docker
    /// export`): fine for the run's own containers without host folders, unseen otherwise.
    case fileTransfer(reference: String)
    /// A change to an existing container the capture cannot judge (`docker update`, `docker
    /// rename`): a restart policy makes the engine run it again after the gate has ended.
    case changeContainer(reference: String, what: String)
    /// Anything else: passed through untouched.
    case other

    /// Classifies `method` and the request target `uri`; nil for a target the daemon could read
    /// differently from this proxy (not origin-form), which the proxy refuses.
    public init?(method: String, uri: String) {
        guard uri.hasPrefix("/") else { return nil }
        let rawPath = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard let decoded = rawPath.removingPercentEncoding else { return nil }
        var parts = decoded.split(separator: "/").map(String.init).filter { $0 != "." }
        if parts.contains("..") { return nil }
        if let first = parts.first, first.count > 1, first.hasPrefix("v"),
           first.dropFirst().allSatisfy({ $0.isNumber || $0 == "." }) {
            parts.removeFirst()
        }
        let verb = method.uppercased()
        if parts.count == 3, parts[0] == "containers", ["archive", "export"].contains(parts[2]),
           ["GET", "HEAD", "PUT"].contains(verb) {
            self = .fileTransfer(reference: parts[1])
            return
        }
        guard verb == "POST" else {
            self = .other
            return
        }
        switch parts.count {
        case 1 where parts[0] == "build": self = .build
        case 1 where parts[0] == "session": self = .unplaceable(what: "a BuildKit session (POST /session)")
        case 1 where parts[0] == "grpc": self = .unplaceable(what: "BuildKit's gRPC API (POST /grpc)")
        case 3 where parts[0] == "containers" && ["update", "rename"].contains(parts[2]):
            self = .changeContainer(reference: parts[1], what: parts[2])
        case 2 where parts[0] == "containers" && parts[1] == "create": self = .createContainer
        case 3 where parts[0] == "containers" && ["start", "restart", "unpause", "exec", "attach"].contains(parts[2]):
            self = .enterContainer(reference: parts[1])
        case 2... where parts[0] == "services" || parts[0] == "plugins" || parts[0] == "swarm":
            self = .unplaceable(what: "POST /\(parts.joined(separator: "/"))")
        default: self = .other
        }
    }

    /// A JSON key as Go's encoding/json compares it to a field name (case and the folds of
    /// U+017F and U+212A to 's' and 'k').
    static func folded(_ key: String) -> String {
        String(key.lowercased().map { $0 == "\u{017F}" ? "s" : $0 == "\u{212A}" ? "k" : $0 })
    }

    /// Why a request was refused (the proxy answers 400 with it).
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The container a create body asks for, as the run's reports need it.
    public struct ContainerFacts: Equatable, Sendable {
        public var image: String?
        public var name: String?
        public var privileged = false
        public var pidMode: String?
        public var networkMode: String?
        /// Host paths bind-mounted into the container (Binds and bind Mounts).
        public var hostPaths: [String] = []
        /// The image's id (`sha256:...`): from the engine's inspection only.
        public var imageID: String?
        /// The mounts the engine made, each as `source:dest:mode:rdwr:propagation`: from the
        /// engine's inspection only.
        public var mounts: [String] = []
    }

    /// A create body with `HostConfig.CgroupParent` set to `cgroupParent` (every spelling of
    /// it the daemon would read replaced), and what it asks for. `name` is the `name` query
    /// parameter. Refuses a body that is not one JSON object or spells HostConfig twice.
    public static func placing(createBody body: [UInt8], in cgroupParent: String?, name: String? = nil)
        throws(Refusal) -> (body: [UInt8], facts: ContainerFacts) {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw Refusal(description: "the container's configuration is not one JSON object")
        }
        let hostKeys = object.keys.filter { folded($0) == "hostconfig" }
        guard hostKeys.count <= 1 else { throw Refusal(description: "HostConfig is given more than once") }
        var host: [String: Any] = [:]
        if let key = hostKeys.first {
            if let given = object[key] as? [String: Any] {
                host = given
            } else if !(object[key] is NSNull) {
                throw Refusal(description: "HostConfig is not a JSON object")
            }
            object.removeValue(forKey: key)
        }
        if let cgroupParent {
            for key in host.keys where folded(key) == "cgroupparent" { host.removeValue(forKey: key) }
            host["CgroupParent"] = cgroupParent
        }
        // A container the engine restarts on its own would run again after the gate has ended.
        for key in host.keys where folded(key) == "restartpolicy" { host.removeValue(forKey: key) }
        host["RestartPolicy"] = ["Name": "no"]
        object["HostConfig"] = host
        guard let rewritten = try? JSONSerialization.data(withJSONObject: object) else {
            throw Refusal(description: "the container's configuration cannot be written back")
        }
        var facts = Self.facts(config: object, host: host)
        facts.name = name
        return ([UInt8](rewritten), facts)
    }

    /// What a container's configuration (`config`: the create body, or an inspection's
    /// `Config`) and host configuration ask for.
    static func facts(config: [String: Any], host: [String: Any]) -> ContainerFacts {
        var facts = ContainerFacts()
        facts.image = value(config, "image") as? String
        facts.privileged = (value(host, "privileged") as? Bool) ?? false
        facts.pidMode = value(host, "pidmode") as? String
        facts.networkMode = value(host, "networkmode") as? String
        for bind in (value(host, "binds") as? [Any]) ?? [] {
            if let text = bind as? String, let source = text.split(separator: ":").first, source.hasPrefix("/") {
                facts.hostPaths.append(String(source))
            }
        }
        for mount in (value(host, "mounts") as? [Any]) ?? [] {
            guard let mount = mount as? [String: Any], (value(mount, "type") as? String)?.lowercased() ?? "bind" == "bind",
                  let source = value(mount, "source") as? String else { continue }
            facts.hostPaths.append(source)
        }
        return facts
    }

    /// What an engine's inspection of a container (`GET /containers/<id>/json`) says of it.
    public static func facts(inspection: [String: Any]) -> ContainerFacts {
        var facts = Self.facts(config: inspection["Config"] as? [String: Any] ?? [:], host: inspection["HostConfig"] as? [String: Any] ?? [:])
        facts.name = (inspection["Name"] as? String).map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
        facts.imageID = inspection["Image"] as? String
        facts.mounts = (inspection["Mounts"] as? [[String: Any]] ?? []).map { mount in
            let rw = (mount["RW"] as? Bool).map { $0 ? "true" : "false" } ?? ""
            return [mount["Source"] as? String ?? "", mount["Destination"] as? String ?? "", mount["Mode"] as? String ?? "", rw,
                    mount["Propagation"] as? String ?? ""].joined(separator: ":")
        }
        return facts
    }

    /// The value of `object`'s key that folds to `key`.
    private static func value(_ object: [String: Any], _ key: String) -> Any? {
        object.first { folded($0.key) == key }?.value
    }

    /// A build's request target with `cgroupparent` set to `cgroupParent`, every other
    /// `cgroupparent` parameter removed (by its decoded name, as the daemon reads it).
    public static func placingBuild(uri: String, in cgroupParent: String) -> String {
        let halves = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let kept = halves.count > 1 ? halves[1].split(separator: "&").filter { parameter in
            let name = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return name.replacingOccurrences(of: "+", with: " ").removingPercentEncoding != "cgroupparent"
        }.map(String.init) : []
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        let ours = "cgroupparent=" + (cgroupParent.addingPercentEncoding(withAllowedCharacters: allowed) ?? cgroupParent)
        return String(halves[0]) + "?" + (kept + [ours]).joined(separator: "&")
    }

    /// Whether a build with this Content-Type would have the daemon read its parameters from
    /// the body (a form), where the query's cgroupparent could be overridden.
    public static func buildReadsFormBody(contentType: String?) -> Bool {
        let media = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return media == "application/x-www-form-urlencoded"
    }

    /// The `name` query parameter of a request target.
    public static func queryValue(_ name: String, in uri: String) -> String? {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for parameter in query.split(separator: "&") {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair[0].removingPercentEncoding == name {
                return pair.count > 1 ? pair[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding : ""
            }
        }
        return nil
    }
}
