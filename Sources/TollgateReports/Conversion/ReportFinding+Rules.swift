import TollgateEvents
import TollgateRules

extension ReportFinding {
    /// A finding as the engine reported it, without runtime detail beyond the pid and event
    /// type. Prefer `init(_:event:hostname:)` when the matching event is at hand.
    public init(_ finding: Finding, hostname: String) {
        self.init(
            rule: finding.rule, priority: finding.priority, output: finding.output,
            outputFields: finding.outputFields.map(ReportField.init), tags: finding.tags,
            time: finding.time, source: finding.source, hostname: hostname,
            pid: finding.pid, syscall: finding.eventType)
        resultAssumed = finding.resultAssumed
    }

    /// A finding with the runtime detail of the event that matched: the process chain from the
    /// job's root, executable, command line, target (file path or server address) and
    /// container. Call it before the decoder sees the next event (the state moves on).
    public init(_ finding: Finding, event: Event, hostname: String) {
        self.init(finding, hostname: hostname)
        let process = event.process
        processChain = ReportFinding.chain(of: process)
        exe = (process.exePath ?? process.exe)?.description
        cmdline = process.cmdline?.description
        target = ReportFinding.target(of: event)
        containerID = process.containerID
        addContainerFields(of: event)
    }

    /// In a container, the fields that say which (`container.id`, `.name`, `.image`,
    /// `.image.id`), when the rule's output does not name them already, as Falco appends them.
    mutating func addContainerFields(of event: Event) {
        let process = event.process
        guard process.containerFullID != ProcessRecord.host else { return }
        let described = event.facts.containers.container(id: process.containerFullID)
        let fields: [(String, String?)] = [("container.id", process.containerID), ("container.name", described?.name),
                                           ("container.image", described?.image), ("container.image.id", described?.shortImageID)]
        for (name, value) in fields where !outputFields.contains(where: { $0.name == name }) {
            outputFields.append(ReportField(name, value.map { .string($0) } ?? .unknown))
        }
    }

    /// Processes from the oldest known ancestor of the job down to `process` (at most 64 levels;
    /// the gate that started the job is not one of them).
    static func chain(of process: ProcessRecord) -> [ProcessLink] {
        var links: [ProcessLink] = []
        var current: ProcessRecord? = process
        while let link = current, !link.isLauncher, links.count < 64 {
            let name = link.name?.description ?? link.exe.map { $0.lastPathComponent.description } ?? "?"
            links.append(ProcessLink(name: name, pid: link.pid))
            current = link.parent
        }
        return links.reversed()
    }

    /// What the event acted on, stable across runs: the server side of a socket (never the
    /// client's ephemeral port), else the path the syscall named, else the fd's path; for an
    /// exec (also the lifecycle record, which names no path) the executable.
    static func target(of event: Event) -> String? {
        if let fd = event.fd, fd.type.isSocket, let socket = fd.socket {
            if let server = socket.server { return server.description }
            return fd.name.flatMap { $0.isEmpty ? nil : $0.description }
        }
        if let paths = event.fsPath, let path = paths.name ?? paths.source ?? paths.nameRaw ?? paths.sourceRaw {
            return path.description
        }
        if let path = event.fd?.path, !path.isEmpty { return path.description }
        if event.info.effect == .execve, let exe = event.process.exePath ?? event.process.exe { return exe.description }
        return nil
    }
}

extension ReportField {
    /// An output field with Falco's JSON type: numeric and boolean fields become numbers and
    /// booleans, unknown values null, everything else a string.
    init(_ field: OutputField) {
        guard let text = field.value else {
            self.init(field.name, .unknown)
            return
        }
        let base = field.name.firstIndex(of: "[").map { String(field.name[..<$0]) } ?? field.name
        switch FieldRegistry.shared.fields[base]?.type {
        case .int16, .int32, .int64, .uint32, .uint64, .port, .reltime, .abstime:
            if let number = Int64(text) {
                self.init(field.name, .integer(number))
                return
            }
        case .bool:
            if text == "true" || text == "false" {
                self.init(field.name, .bool(text == "true"))
                return
            }
        default:
            break
        }
        self.init(field.name, .string(text))
    }
}
