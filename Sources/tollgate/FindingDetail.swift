import TollgateEvents
import TollgateReports
import TollgateRules

extension ReportFinding {
    /// A report finding from a rule's match, with the runtime detail the event's state holds:
    /// the process chain from the job's root, the acting process, and the event's target.
    init(_ finding: Finding, event: Event, hostname: String) {
        let process = event.thread.process
        let chain = ([process] + process.ancestors).reversed().filter(\.isKnown)
        self.init(
            rule: finding.rule,
            priority: finding.priority,
            output: finding.output,
            outputFields: finding.outputFields.map { ReportField($0.name, Self.typedValue($0)) },
            tags: finding.tags,
            time: finding.time,
            source: finding.source,
            hostname: hostname,
            processChain: chain.map { ProcessLink(name: $0.name?.description ?? "<NA>", pid: $0.pid) },
            pid: process.pid,
            exe: process.exePath?.description,
            cmdline: process.cmdline?.description,
            syscall: finding.eventType,
            target: event.fd?.name.description ?? event.fsPath.flatMap { $0.target ?? $0.name ?? $0.source }?.description,
            containerID: process.containerID
        )
    }

    /// Falco's JSON keeps numbers and booleans typed: an output field's value is typed by the
    /// field's registered type.
    private static func typedValue(_ field: OutputField) -> ReportFieldValue {
        guard let text = field.value else { return .unknown }
        let name = field.name.split(separator: "[").first.map(String.init) ?? field.name
        switch FieldRegistry.shared.fields[name]?.type {
        case .int16, .int32, .int64, .uint32, .uint64, .port, .reltime, .abstime:
            return Int64(text).map(ReportFieldValue.integer) ?? .string(text)
        case .bool:
            return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        default:
            return .string(text)
        }
    }
}
