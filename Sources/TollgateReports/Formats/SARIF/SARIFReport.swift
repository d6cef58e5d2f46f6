import TollgateEvents

/// The run as a SARIF 2.1.0 log (`--sarif FILE`) that GitHub code scanning accepts: one run,
/// every loaded rule as a `reportingDescriptor`, one result per distinct finding (same rule,
/// executable and target merged with `properties.count`), each with a physical location and a
/// `primaryLocationLineHash` from the finding's identity. See docs/reports.md.
public enum SARIFReport {
    /// GitHub rejects a run with more results; extra results are left out with a notification.
    public static let maximumResults = 25_000
    /// The `$schema` GitHub's documentation uses.
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    /// The SARIF text (pretty-printed, newline-terminated). `runAnchor` comes from
    /// `SARIFAnchor.runAnchor(environment:flag:readFile:)`.
    public static func render(_ report: RunReport, runAnchor: SARIFAnchor?, maximumResults: Int = maximumResults) -> String {
        document(report, runAnchor: runAnchor, maximumResults: maximumResults).pretty
    }

    static func document(_ report: RunReport, runAnchor: SARIFAnchor?, maximumResults: Int) -> JSONValue {
        let rules = SARIFRules(report: report)
        let results = SARIFResults(report: report, rules: rules, runAnchor: runAnchor, limit: maximumResults)
        var driver = JSONObjectBuilder()
        driver.add("name", "tollgate")
        driver.add("version", report.toolVersion)
        if isSemanticVersion(report.toolVersion) { driver.add("semanticVersion", report.toolVersion) }
        driver.add("informationUri", report.informationURI)
        driver.add("rules", .array(rules.descriptors))
        var run: [(String, JSONValue)] = [
            ("tool", .object([("driver", driver.value)])),
            ("automationDetails", .object([("id", .string("tollgate/\(report.jobName)/"))])),
        ]
        if let provenance = versionControlProvenance(report.ci) { run.append(("versionControlProvenance", .array([provenance]))) }
        run += [
            ("invocations", .array([SARIFInvocation.invocation(report, omittedResults: results.omitted, limit: maximumResults)])),
            ("results", .array(results.results)),
        ]
        let ci = report.ci.knownFields.map { (String($0.name.dropFirst("ci.".count)), JSONValue.string($0.value)) }
        if !ci.isEmpty { run.append(("properties", .object([("ci", .object(ci))]))) }
        return .object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([.object(run)])),
        ])
    }

    /// The repository and commit the run is for, when the CI says (SARIF 3.14.5).
    private static func versionControlProvenance(_ ci: CIContext) -> JSONValue? {
        guard !ci.repositoryURL.isEmpty else { return nil }
        var details = JSONObjectBuilder()
        details.add("repositoryUri", ci.repositoryURL)
        details.add("revisionId", ci.sha.isEmpty ? nil : ci.sha)
        details.add("branch", ci.ref.isEmpty ? nil : ci.ref)
        return details.value
    }

    /// `x.y.z` with an optional `-pre`/`+build` suffix.
    private static func isSemanticVersion(_ text: String) -> Bool {
        let core = text.split(whereSeparator: { $0 == "-" || $0 == "+" }).first ?? ""
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}
