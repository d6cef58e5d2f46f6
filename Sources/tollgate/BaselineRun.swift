import Foundation
import TollgateBaseline
import TollgateGate
import TollgateReports
import TollgateRules

/// The behaviour-baseline side of a run: the inventory the gate fills, the baseline its new
/// entries are findings against, and what the run writes at its end (the updated or recorded
/// baseline, the inventory as JSON).
struct BaselineRun {
    let inventory: Inventory
    /// nil when the run writes the baseline rather than checking against it.
    let check: BaselineCheck?
    let baselinePath: String?
    let baseline: Baseline
    /// `--update-baseline`: merge; `baseline record`: replace.
    let mode: Mode
    let inventoryPath: String?

    enum Mode { case check, update, record }

    /// nil when the run neither uses nor writes a baseline nor an inventory. A named baseline
    /// that cannot be read is exit 66, a bad one exit 65 (after saying why).
    static func prepare(_ settings: RunSettings, flags: RunCommand, environment: [String: String],
                        console: Console) throws -> BaselineRun? {
        let mode: Mode = flags.recordBaselinePath != nil ? .record : flags.updateBaseline ? .update : .check
        guard settings.baselinePath != nil || flags.inventoryPath != nil else { return nil }
        let normalizer = EntryNormalizer(environment: environment, jobDirectory: FileManager.default.currentDirectoryPath)
        var baseline = Baseline()
        if let path = settings.baselinePath, mode != .record {
            // Updating creates the file; checking needs it.
            baseline = try read(path, console: console, ifMissing: mode == .update ? Baseline() : nil)
        }
        let check = mode == .check ? settings.baselinePath.map { BaselineCheck(baseline: baseline, path: $0, priority: settings.baselinePriority) } : nil
        return BaselineRun(inventory: Inventory(normalizer: normalizer), check: check, baselinePath: settings.baselinePath,
                           baseline: baseline, mode: mode, inventoryPath: flags.inventoryPath)
    }

    /// Reads the baseline at `path`: `ifMissing` when there is no such file, else exit 66 (a
    /// named baseline that cannot be read); exit 65 when it is not a baseline. Says why first.
    static func read(_ path: String, console: Console, ifMissing: Baseline? = nil) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            if let ifMissing { return ifMissing }
            console.error("cannot read the baseline '\(path)'; record one with 'tollgate baseline record --output \(path) -- COMMAND'")
            throw ExitStatus.unreadableBaseline
        }
        do {
            return try BaselineFile.parse(String(decoding: data, as: UTF8.self), path: path)
        } catch {
            console.error(error.description)
            throw ExitStatus.invalidBaseline
        }
    }

    /// The built-in rules of the baseline kinds, for the report's rule list (a JUnit testcase
    /// and a SARIF rule each), defined at the kind's section of the baseline file.
    var ruleDescriptors: [RuleDescriptor] {
        guard let check else { return [] }
        return check.rules.map { rule in
            RuleDescriptor(name: rule.kind.ruleName, description: rule.description, priority: check.priority,
                           tags: ["baseline", rule.kind.section], sourceFile: rule.location.file, sourceLine: rule.location.line)
        }
    }

    /// Writes the baseline (update, record) and the inventory, and says what changed.
    func conclude(console: Console) throws -> BehaviourChanges? {
        if let inventoryPath {
            try write(Self.json(inventory.baseline), to: inventoryPath, console: console)
        }
        guard let path = baselinePath else { return nil }
        switch (mode, check) {
        case (.check, let check?):
            let added = check.baseline.newEntries(in: inventory).map { "\($0.kind.section): \($0.entry)" }
            let unseen = baseline.unseenEntries(in: inventory).map { "\($0.kind.section): \($0.entry.pattern)" }
            if !unseen.isEmpty {
                console.note("\(unseen.count) baseline \(unseen.count == 1 ? "entry" : "entries") not seen this run (see the summary)")
            }
            return BehaviourChanges(baseline: path, added: added, unseen: unseen)
        case (.check, nil):
            return nil
        case (.update, _), (.record, _):
            let written = mode == .record ? inventory.baseline : baseline.merging(inventory.baseline)
            let before = mode == .record ? 0 : baseline.count
            let after = written.count
            try write(BaselineFile.render(written), to: path, console: console, creatingFolder: true)
            console.note("baseline \(path): \(after - before) entries added, \(after) in all")
            return BehaviourChanges(baseline: path, written: after - before)
        }
    }

    /// Writes `text` to `path`, refusing a path that leads through a symlink: the job may have
    /// planted one in its working directory (`.tollgate` -> `/etc`) for the gate to write through.
    /// `creatingFolder`: make the file's folder first (`.tollgate/`), after that check.
    private func write(_ text: String, to path: String, console: Console, creatingFolder: Bool = false) throws {
        if let link = Self.symlink(on: path) {
            console.error("cannot write '\(path)': '\(link)' is a symlink, and the gate writes no file the job could have pointed elsewhere")
            throw ExitStatus.cannotWriteReport
        }
        let folder = (path as NSString).deletingLastPathComponent
        if creatingFolder, !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            console.error(error.description)
            throw ExitStatus.cannotWriteReport
        }
    }

    /// The first component of `path` (absolute, or from the working directory) that is a
    /// symlink, if any.
    static func symlink(on path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") where component != "." {
            prefix += "/" + component
            var status = stat()
            if lstat(prefix, &status) == 0, status.st_mode & S_IFMT == S_IFLNK { return prefix }
        }
        return nil
    }

    /// `{"executables": [...], "network": [...], ...}`, every kind, entries sorted.
    static func json(_ baseline: Baseline) -> String {
        JSONValue.object(InventoryKind.allCases.map { kind in
            (kind.section, .array((baseline.entries[kind] ?? []).map { .string($0.pattern) }))
        }).pretty
    }
}
