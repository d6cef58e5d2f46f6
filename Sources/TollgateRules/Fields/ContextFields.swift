import TollgateEvents

/// `user.*`, `group.*`, `fs.path.*`, `container.*` and `k8s.*` fields.
///
/// Outside containers `container.id` is `host`, as in Falco, and container facts are those of
/// the host container (empty image, not privileged). A process in a container has its id from
/// its cgroup (`ProcessRecord.containerFullID`) and the rest from what its engine said of it
/// (`RunFacts.containers`), unknown when the engine was not asked. k8s fields are unknown.
enum ContextFields {
    static let all: [FieldDefinition] = user + paths + container + kubernetes

    static let user: [FieldDefinition] = [
        FieldDefinition("user.uid", .uint32, "user ID.", .integer { event in event.process.uid.map { Int64($0) } }),
        FieldDefinition("user.name", .charbuf, "user name.", .string { event in event.user.map { ByteString($0.name) } }),
        FieldDefinition("user.homedir", .charbuf, "home directory of the user.", .string { event in event.user.map { ByteString($0.home) } }),
        FieldDefinition("user.shell", .charbuf, "user's shell.", .string { event in event.user.map { ByteString($0.shell) } }),
        FieldDefinition("user.loginuid", .int64, "audit user id (auid); -1 when unset.",
                        .integer { event in event.process.loginUID.map { $0 == UInt32.max ? -1 : Int64($0) } }),
        FieldDefinition("user.loginname", .charbuf, "audit user name (auid).",
                        .string { event in event.process.loginUID.flatMap { event.users.user(uid: $0) }.map { ByteString($0.name) } }),
        FieldDefinition("group.gid", .uint32, "group ID.", .integer { event in event.process.gid.map { Int64($0) } }),
        FieldDefinition("group.name", .charbuf, "group name.", .string { event in event.groupName.map { ByteString($0) } }),
    ]

    static let paths: [FieldDefinition] = [
        FieldDefinition("fs.path.name", .charbuf, "For any event type that deals with a filesystem path, the path the file syscall is operating on.", .string { $0.fsPath(.name) }),
        FieldDefinition("fs.path.nameraw", .charbuf, "The path the file syscall is operating on, as passed.", .string { $0.fsPath(.nameRaw) }),
        FieldDefinition("fs.path.source", .charbuf, "For source/target syscalls (rename, link, symlink), the source path.", .string { $0.fsPath(.source) }),
        FieldDefinition("fs.path.sourceraw", .charbuf, "The source path, as passed.", .string { $0.fsPath(.sourceRaw) }),
        FieldDefinition("fs.path.target", .charbuf, "For source/target syscalls (rename, link, symlink), the target path.", .string { $0.fsPath(.target) }),
        FieldDefinition("fs.path.targetraw", .charbuf, "The target path, as passed.", .string { $0.fsPath(.targetRaw) }),
    ]

    static func onHost(_ event: Event) -> Bool { event.process.containerFullID == ProcessRecord.host }

    /// What the engine said of the event's container; nil on the host or when it was not asked.
    static func described(_ event: Event) -> ContainerTable.Container? {
        onHost(event) ? nil : event.facts.containers.container(id: event.process.containerFullID)
    }

    /// A container string that is empty for the host.
    static func hostEmpty(_ name: String, _ doc: String) -> FieldDefinition {
        FieldDefinition(name, .charbuf, doc, .string { event in onHost(event) ? ByteString.empty : nil })
    }

    /// A container string: empty for the host, else `value` of the engine's description.
    static func described(_ name: String, _ doc: String, _ value: @escaping @Sendable (ContainerTable.Container) -> String?) -> FieldDefinition {
        FieldDefinition(name, .charbuf, doc, .string { event in
            onHost(event) ? ByteString.empty : described(event).flatMap(value).map { ByteString($0) }
        })
    }

    /// A container flag: `onHost` for the host, else `value` of the engine's description.
    static func described(_ name: String, _ doc: String, onHost hostValue: Bool, _ value: @escaping @Sendable (ContainerTable.Container) -> Bool?) -> FieldDefinition {
        FieldDefinition(name, .bool, doc, .bool { event in onHost(event) ? hostValue : described(event).flatMap(value) })
    }

    static let container: [FieldDefinition] = [
        FieldDefinition("container.id", .charbuf, "The truncated container ID (first 12 characters); 'host' outside containers.",
                        .string { $0.process.containerIDBytes }),
        FieldDefinition("container.full_id", .charbuf, "The full container ID; 'host' outside containers.", .string { $0.process.containerFullIDBytes }),
        FieldDefinition("container.name", .charbuf, "The container name; 'host' outside containers.", .string { event in
            onHost(event) ? "host" : described(event)?.name.map { ByteString($0) }
        }),
        FieldDefinition("container.type", .charbuf, "The container type, e.g. docker, cri-o; 'host' outside containers.", .string { event in
            onHost(event) ? "host" : described(event).map { _ in "docker" }
        }),
        described("container.image", "The container image name (e.g. falcosecurity/falco:latest for docker).") { $0.image },
        described("container.image.id", "The container image id (e.g. 6f7e2741b66b).") { $0.shortImageID },
        described("container.image.repository", "The container image repository (e.g. falcosecurity/falco).") { $0.repositoryAndTag?.repository },
        described("container.image.tag", "The container image tag (e.g. stable, latest).") { $0.repositoryAndTag?.tag },
        hostEmpty("container.image.digest", "The container image registry digest."),
        described("container.mounts", "A space-separated list of mount information (source:dest:mode:rdwr:propagation).") {
            $0.mounts.joined(separator: " ")
        },
        hostEmpty("container.labels", "Container comma-separated key/value labels."),
        hostEmpty("container.ip", "The container's / pod's primary ip address."),
        hostEmpty("container.cni.json", "The container's / pod's CNI result field."),
        described("container.privileged", "'true' for containers running as privileged, 'false' otherwise.", onHost: false) { $0.privileged },
        described("container.host_pid", "'true' if the container is running in the host PID namespace.", onHost: true) { $0.hostPID },
        described("container.host_network", "'true' if the container is running in the host network namespace.", onHost: true) { $0.hostNetwork },
        FieldDefinition("container.host_ipc", .bool, "'true' if the container is running in the host IPC namespace.", .bool { event in onHost(event) ? true : nil }),
        FieldDefinition("container.start_ts", .abstime, "Container start as epoch timestamp in nanoseconds (unknown on the host).", .integer { _ in nil }),
        FieldDefinition("container.duration", .reltime, "Number of nanoseconds since container.start_ts (unknown on the host).", .integer { _ in nil }),
        mountField("container.mount", "Information about a single mount, by number or mount source."),
        mountField("container.mount.source", "The mount source, by number or mount destination."),
        mountField("container.mount.dest", "The mount destination, by number or mount source."),
        mountField("container.mount.mode", "The mount mode, by number or mount source."),
        mountField("container.mount.rdwr", "The mount rdwr value, by number or mount source."),
        mountField("container.mount.propagation", "The mount propagation value, by number or mount source."),
        FieldDefinition("container.label", .charbuf, "Container label (container.label.NAME): none on the host.", argument: .required,
                        bind: { _ throws(FieldBindError) in .string { _ in nil } }),
        FieldDefinition("container.healthcheck", .charbuf, "Deprecated.", flags: .deprecated, .string { _ in nil }),
        FieldDefinition("container.liveness_probe", .charbuf, "Deprecated.", flags: .deprecated, .string { _ in nil }),
        FieldDefinition("container.readiness_probe", .charbuf, "Deprecated.", flags: .deprecated, .string { _ in nil }),
    ]

    /// Per-mount fields: the host container has no mounts, so every lookup is unknown.
    static func mountField(_ name: String, _ doc: String) -> FieldDefinition {
        FieldDefinition(name, .charbuf, doc, argument: .required, bind: { _ throws(FieldBindError) in .string { _ in nil } })
    }

    static let kubernetes: [FieldDefinition] = [
        "k8s.pod.name", "k8s.ns.name", "k8s.pod.id", "k8s.pod.uid", "k8s.pod.sandbox_id", "k8s.pod.full_sandbox_id",
        "k8s.pod.labels", "k8s.pod.ip", "k8s.pod.cni.json",
    ].map { name in
        FieldDefinition(name, .charbuf, "Kubernetes metadata (\(name.dropFirst(4))): unknown for jobs outside pods.", .string { _ in nil })
    } + [
        FieldDefinition("k8s.pod.label", .charbuf, "The Kubernetes pod label (k8s.pod.label.NAME): unknown outside pods.", argument: .required,
                        bind: { _ throws(FieldBindError) in .string { _ in nil } }),
    ]
}
