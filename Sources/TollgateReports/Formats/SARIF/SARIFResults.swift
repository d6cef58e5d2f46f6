import TollgateEvents

/// `run.results`: one result per distinct finding, capped at the result limit (most severe kept).
struct SARIFResults {
    var results: [JSONValue] = []
    /// Distinct findings left out by the cap.
    var omitted = 0

    init(report: RunReport, rules: SARIFRules, runAnchor: SARIFAnchor?, limit: Int) {
        var groups = report.findings.groups
        if groups.count > limit {
            // Keep the most severe, then restore time order.
            let kept = groups.indices.sorted { (groups[$0].first.priority, $0) < (groups[$1].first.priority, $1) }.prefix(max(0, limit)).sorted()
            omitted = groups.count - kept.count
            groups = kept.map { groups[$0] }
        }
        results = groups.map { group in
            SARIFResults.result(group, report: report, ruleIndex: rules.indexByName[group.first.rule], runAnchor: runAnchor)
        }
    }

    static func result(_ group: FindingGroup, report: RunReport, ruleIndex: Int?, runAnchor: SARIFAnchor?) -> JSONValue {
        let finding = group.first
        let anchor = SARIFAnchor.resolve(runAnchor: runAnchor, rule: report.rule(named: finding.rule))
        let blocking = report.isBlocking(finding.priority)
        var result = JSONObjectBuilder()
        result.add("ruleId", finding.rule)
        result.add("ruleIndex", ruleIndex.map { JSONValue.integer(Int64($0)) })
        // A finding that fails the gate is an error, whatever its rule's default level.
        result.add("level", blocking ? "error" : finding.priority.sarifLevel)
        result.add("kind", "fail")
        result.add("message", .object([("text", .string(finding.output.isEmpty ? finding.rule : finding.output))]))
        result.add("locations", .array([location(anchor, finding)]))
        result.add("partialFingerprints", .object([("primaryLocationLineHash", .string(group.fingerprint + ":1"))]))
        result.add("properties", properties(group, blocking: blocking))
        return result.value
    }

    static func location(_ anchor: SARIFAnchor, _ finding: ReportFinding) -> JSONValue {
        var artifact = JSONObjectBuilder()
        artifact.add("uri", anchor.uri)
        if anchor.isRelative { artifact.add("uriBaseId", "%SRCROOT%") }
        var location = JSONObjectBuilder()
        location.add("physicalLocation", .object([
            ("artifactLocation", artifact.value),
            ("region", .object([("startLine", .integer(Int64(anchor.line)))])),
        ]))
        if let process = logicalLocation(finding) { location.add("logicalLocations", .array([process])) }
        return location.value
    }

    /// The acting process: `curl`, fully qualified by its ancestry `make[4100]/sh[4101]/curl[4242]`.
    static func logicalLocation(_ finding: ReportFinding) -> JSONValue? {
        var chain = finding.processChain
        if chain.isEmpty, let exe = finding.exe {
            chain = [ProcessLink(name: String(exe.split(separator: "/").last ?? Substring(exe)), pid: finding.pid)]
        }
        guard let last = chain.last else { return nil }
        let qualified = chain.map { link in link.pid.map { "\(link.name)[\($0)]" } ?? link.name }.joined(separator: "/")
        return .object([
            ("name", .string(last.name)),
            ("fullyQualifiedName", .string(qualified)),
            ("kind", .string("process")),
        ])
    }

    /// Runtime detail, with Falco's field names where one exists.
    static func properties(_ group: FindingGroup, blocking: Bool) -> JSONValue {
        let finding = group.first
        var properties = JSONObjectBuilder()
        properties.add("count", .integer(Int64(group.count)))
        properties.add("priority", finding.priority.description)
        properties.add("blocking", .bool(blocking))
        properties.add("processChain", finding.processChainText)
        properties.add("proc.pid", finding.pid.map { JSONValue.integer(Int64($0)) })
        properties.add("proc.exepath", finding.exe)
        properties.add("proc.cmdline", finding.cmdline)
        properties.add("evt.type", finding.syscall)
        properties.add("target", finding.target)
        properties.add("container.id", finding.containerID)
        properties.add("action", finding.action?.rawValue)
        if finding.resultAssumed { properties.add("resultAssumed", .bool(true)) }
        properties.add("firstTimeUtc", Timestamps.rfc3339Nanoseconds(finding.time))
        if group.count > 1 { properties.add("lastTimeUtc", Timestamps.rfc3339Nanoseconds(group.lastTime)) }
        return properties.value
    }
}
