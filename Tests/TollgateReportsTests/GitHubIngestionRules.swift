import Foundation

/// What GitHub code scanning refuses in a SARIF upload (github/docs sarif-support.md and
/// sarif-limits.md, as summarized in shared/reference/ci-formats.md §7.1). Returns the hard
/// errors: any of them makes GitHub reject the whole file.
enum GitHubIngestionRules {
    static func problems(in sarif: String) -> [String] {
        guard let log = (try? JSONSerialization.jsonObject(with: Data(sarif.utf8))) as? [String: Any] else {
            return ["not a JSON object"]
        }
        var problems: [String] = []
        if log["version"] as? String != "2.1.0" { problems.append("version must be 2.1.0") }
        let runs = log["runs"] as? [[String: Any]] ?? []
        if runs.isEmpty { problems.append("no runs") }
        if runs.count > 20 { problems.append("more than 20 runs") }
        var categories: Set<String> = []
        for (runIndex, run) in runs.enumerated() {
            let driver = (run["tool"] as? [String: Any])?["driver"] as? [String: Any] ?? [:]
            let name = driver["name"] as? String ?? ""
            if name.isEmpty { problems.append("runs[\(runIndex)]: empty tool.driver.name") }
            let id = (run["automationDetails"] as? [String: Any])?["id"] as? String ?? ""
            let category = id.range(of: "/", options: .backwards).map { String(id[..<$0.lowerBound]) } ?? id
            if !categories.insert(name + "\u{0}" + category).inserted { problems.append("runs[\(runIndex)]: duplicate tool and category") }
            let rules = driver["rules"] as? [[String: Any]] ?? []
            if rules.count > 25_000 { problems.append("runs[\(runIndex)]: more than 25,000 rules") }
            let ruleIDs = Set(rules.compactMap { $0["id"] as? String })
            guard let results = run["results"] as? [[String: Any]] else {
                problems.append("runs[\(runIndex)]: results missing")
                continue
            }
            if results.count > 25_000 { problems.append("runs[\(runIndex)]: \(results.count) results, more than 25,000") }
            for (index, result) in results.enumerated() {
                let at = "runs[\(runIndex)].results[\(index)]"
                if let ruleID = result["ruleId"] as? String, !ruleIDs.contains(ruleID) { problems.append("\(at): ruleId not in rules") }
                if ((result["message"] as? [String: Any])?["text"] as? String ?? "").isEmpty { problems.append("\(at): message.text missing") }
                let locations = result["locations"] as? [[String: Any]] ?? []
                if locations.isEmpty { problems.append("\(at): no locations (expected at least one location)") }
                if locations.count > 1000 { problems.append("\(at): more than 1,000 locations") }
                if let first = locations.first {
                    let physical = first["physicalLocation"] as? [String: Any]
                    let uri = (physical?["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
                    if uri.isEmpty { problems.append("\(at): first location lacks physicalLocation.artifactLocation.uri") }
                    if (physical?["region"] as? [String: Any])?["startLine"] == nil { problems.append("\(at): first location lacks region.startLine") }
                }
            }
        }
        return problems
    }

    /// `primaryLocationLineHash` of every result, in order.
    static func fingerprints(in sarif: String) -> [String] {
        guard let log = (try? JSONSerialization.jsonObject(with: Data(sarif.utf8))) as? [String: Any],
              let run = (log["runs"] as? [[String: Any]])?.first,
              let results = run["results"] as? [[String: Any]] else { return [] }
        return results.compactMap { ($0["partialFingerprints"] as? [String: Any])?["primaryLocationLineHash"] as? String }
    }
}
