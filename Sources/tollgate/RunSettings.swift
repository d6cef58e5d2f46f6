import ArgumentParser
import Foundation
import TollgateEvents
import TollgateGate
import TollgateRules

/// What a `tollgate run` does, from its flags over the project config over the defaults. A
/// setting given on the command line wins wholesale: with `--rules`, the config's `rules` and
/// `extra_rules` are not loaded, so a working directory's config cannot weaken the rules a
/// pipeline chose.
struct RunSettings {
    /// nil: the built-in ruleset.
    var rulePaths: [String]?
    /// Loaded after the config's (or the built-in) rules: the project's tuning.
    var extraRulePaths: [String]
    /// The project config that was read, if any.
    var config: ProjectConfig?
    /// Report paths the config chose (the flags did not): they must stay in its folder.
    var reportsFromConfig: [String] = []
    var failOn: Priority
    var backend: BackendChoice
    var grace: Double
    var reports: ReportOptions
    var command: [String]
    /// Environment variables the user declared secret (`--secret-env` and the config's `secrets`).
    var secretNames: Set<String>
    /// The behaviour baseline to check the run against (nil: none), and the priority of its
    /// new entries.
    var baselinePath: String?
    var baselinePriority: Priority
    /// `--kill-on`, `--deny-on`, `--deny-errno` over the config's.
    var enforcement: EnforcementPolicy
    /// Where the baseline is when none is named: used when it exists (or is being written).
    static let defaultBaselinePath = ".tollgate/baseline.yaml"

    init(flags: RunCommand) throws {
        let config = try Self.config(flags)
        try self.init(flags: flags, config: config)
    }

    init(flags: RunCommand, config: ProjectConfig?) throws {
        self.config = config
        let gate = flags.gateOptions
        rulePaths = gate.rulePaths.isEmpty ? config?.rules : gate.rulePaths
        extraRulePaths = gate.rulePaths.isEmpty ? config?.extraRules ?? [] : []
        failOn = gate.failOn ?? config?.failOn.flatMap(Priority.init(parsing:)) ?? .warning
        backend = flags.backend ?? config?.backend.flatMap(BackendChoice.init(rawValue:)) ?? .auto
        grace = flags.grace ?? config?.grace ?? 10
        secretNames = Set(gate.secretNames).union(config?.secrets ?? [])
        // The config belongs to the code under test: it may make new behaviour stricter than
        // `warning`, never milder; only the command line may.
        let configured = config?.baselinePriority.flatMap(Priority.init(parsing:)).map { min($0, .warning) }
        baselinePriority = flags.baselinePriority ?? configured ?? .warning
        let fallbackBaseline = !flags.noConfig && (flags.updateBaseline || FileManager.default.fileExists(atPath: Self.defaultBaselinePath))
            ? Self.defaultBaselinePath : nil
        baselinePath = flags.recordBaselinePath ?? flags.baselinePath ?? config?.baseline ?? fallbackBaseline
        reports = flags.reports
        enforcement = EnforcementPolicy(
            killOn: flags.killOn ?? config?.killOn.flatMap(Priority.init(parsing:)),
            denyOn: flags.denyOn ?? config?.denyOn.flatMap(Priority.init(parsing:)),
            denyErrno: (flags.denyErrno ?? config?.denyErrno).flatMap(DenyErrno.parse) ?? EPERM)
        if let fromConfig = config?.reports {
            let paths: [(key: String, option: WritableKeyPath<ReportOptions, String?>)] = [
                ("json", \.jsonPath), ("sarif", \.sarifPath), ("junit", \.junitPath),
                ("summary", \.summaryPath), ("codequality", \.codeQualityPath),
            ]
            for (key, option) in paths where reports[keyPath: option] == nil {
                guard let path = fromConfig[key] else { continue }
                reports[keyPath: option] = path
                reportsFromConfig.append(path)
            }
            reports.sarifAnchor = reports.sarifAnchor ?? fromConfig["sarif_anchor"]
        }
        if let name = flags.named {
            guard let line = config?.commands[name] else {
                let known = config.map { $0.commands.keys.sorted().joined(separator: ", ") } ?? ""
                throw ValidationError(config == nil
                    ? "'--named \(name)' needs a .tollgate.yaml with 'commands: {\(name): ...}'"
                    : "no command named '\(name)' in \(config!.path)\(known.isEmpty ? "" : " (it has: \(known))")")
            }
            command = JobShell.command(line)
        } else {
            command = flags.command
        }
    }

    /// Why a report path the config chose would be written outside the config's folder (a
    /// folder on the way is a symlink the job planted), or nil when none would.
    func reportOutsideProject() -> String? {
        guard let config else { return nil }
        let folder = (config.path as NSString).deletingLastPathComponent
        guard let root = Self.realPath(folder.isEmpty ? "." : folder) else { return nil }
        for path in reportsFromConfig {
            let parent = (path as NSString).deletingLastPathComponent
            guard let resolved = Self.realPath(parent.isEmpty ? "." : parent) else { continue }
            if resolved != root && !resolved.hasPrefix(root == "/" ? "/" : root + "/") {
                return "cannot write report '\(path)': the config's report paths stay inside \(root), and this one leads to \(resolved)"
            }
        }
        return nil
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The config file the flags select: `--config`, else `./.tollgate.yaml` unless
    /// `--no-config`. A broken config is a usage error (64) with its position.
    private static func config(_ flags: RunCommand) throws -> ProjectConfig? {
        guard !flags.noConfig, let path = flags.config ?? ProjectConfig.find(in: ".") else {
            return nil
        }
        do {
            return try ProjectConfig.load(path: path)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitStatus.usage
        }
    }
}
