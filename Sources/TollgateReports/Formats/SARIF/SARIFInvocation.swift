import TollgateEvents

/// `run.invocations[0]`: the gated job, its exit status and times, the backend, and coverage
/// problems as `toolExecutionNotifications` (they are not results: they have no location).
enum SARIFInvocation {
    static func invocation(_ report: RunReport, omittedResults: Int, limit: Int) -> JSONValue {
        var invocation = JSONObjectBuilder()
        invocation.add("commandLine", ShellQuoting.commandLine(report.jobCommand))
        invocation.add("arguments", .array(report.jobCommand.map(JSONValue.string)))
        invocation.add("exitCode", .integer(Int64(report.jobExitStatus)))
        // Findings do not make the analysis unsuccessful; only a failed trace does (SARIF §3.20.14).
        invocation.add("executionSuccessful", .bool(!report.coverage.tracingFailed))
        invocation.add("startTimeUtc", Timestamps.rfc3339Milliseconds(report.startTime))
        invocation.add("endTimeUtc", Timestamps.rfc3339Milliseconds(report.endTime))
        invocation.add("machine", report.hostname)
        let notes = notifications(report, omittedResults: omittedResults, limit: limit)
        if !notes.isEmpty { invocation.add("toolExecutionNotifications", .array(notes)) }
        var properties = JSONObjectBuilder()
        properties.add("backend", report.backend)
        properties.add("verdict", report.gateFailed ? "failed" : "passed")
        properties.add("failOn", report.failOn.description)
        properties.add("events", .integer(Int64(clamping: report.coverage.events)))
        properties.add("drops", .integer(Int64(clamping: report.coverage.drops)))
        properties.add("malformed", .integer(Int64(clamping: report.coverage.malformed)))
        properties.add("unreadablePayloads", .integer(Int64(clamping: report.coverage.unreadablePayloads)))
        if !report.coverage.notEvaluable.isEmpty {
            properties.add("notEvaluable", .array(report.coverage.notEvaluable.map { rule in
                .object([("rule", .string(rule.rule)), ("reason", .string(rule.reason))])
            }))
        }
        if !report.policy.sources.isEmpty {
            properties.add("policySources", .array(report.policy.sources.map { source in
                .object([("kind", .string(source.kind)), ("path", .string(source.path)), ("sha256", .string(source.sha256))])
            }))
        }
        if !report.policy.weakenings.isEmpty {
            properties.add("weakenedRules", .array(report.policy.weakenings.map { weakening in
                .object([("rule", .string(weakening.rule)), ("change", .string(weakening.change)), ("location", .string(weakening.location.description))])
            }))
        }
        if let enforcement = report.enforcement {
            properties.add("killOn", enforcement.killOn?.description)
            properties.add("denyOn", enforcement.denyOn?.description)
            if enforcement.denyOn != nil { properties.add("denyErrno", enforcement.denyErrno) }
            properties.add("killedOn", enforcement.killedOn)
            properties.add("killLatencyNanoseconds", enforcement.killLatencyNanoseconds.map { .integer(Int64(clamping: $0)) })
            if enforcement.killedOn != nil { properties.add("killedInKernel", .bool(enforcement.killedInKernel)) }
        }
        if report.maskedSecrets > 0 { properties.add("maskedSecrets", .integer(Int64(report.maskedSecrets))) }
        invocation.add("properties", properties.value)
        return invocation.value
    }

    static func notifications(_ report: RunReport, omittedResults: Int, limit: Int) -> [JSONValue] {
        let coverage = report.coverage
        var notes: [JSONValue] = []
        func add(_ id: String, _ level: String, _ text: String) {
            notes.append(.object([
                ("descriptor", .object([("id", .string(id))])),
                ("level", .string(level)),
                ("message", .object([("text", .string(text))])),
            ]))
        }
        if coverage.tracingFailed { add("tollgate/tracing-failed", "error", "Tracing failed: findings cannot be trusted.") }
        if coverage.drops > 0 {
            add("tollgate/dropped-events", "error", "\(coverage.drops) events were dropped on the \(report.backend) backend: findings may be missing.")
        }
        if let killed = report.enforcement?.killSentence { add("tollgate/job-killed", "error", killed) }
        if coverage.malformed > 0 { add("tollgate/malformed-records", "warning", "\(coverage.malformed) records could not be decoded.") }
        if coverage.unreadablePayloads > 0 {
            add("tollgate/unreadable-payloads", "error", Coverage.unreadablePayloadsProblem(coverage.unreadablePayloads))
        }
        for degradation in coverage.degradations { add("tollgate/degraded", "warning", degradation) }
        for line in report.policy.weakeningLines { add("tollgate/rule-weakened", "note", "Policy: \(line)") }
        for blindSpot in coverage.blindSpots { add("tollgate/blind-spot", "note", "Not seen by the \(report.backend) backend: \(blindSpot)") }
        for rule in coverage.notEvaluable {
            add("tollgate/rule-not-evaluable", "warning", "Rule '\(rule.rule)' is not evaluable on the \(report.backend) backend (quiet is not a pass): \(rule.reason)")
        }
        if omittedResults > 0 {
            add("tollgate/results-omitted", "warning",
                "\(omittedResults) distinct findings were left out: GitHub accepts at most \(limit) results per run; the most severe were kept and the JSON lines report has every finding.")
        }
        return notes
    }
}
