import ArgumentParser
import Foundation
import TollgateBaseline
import TollgateCapture
import TollgateEvents
import TollgateGate
import TollgateReports
import TollgateRules

/// `tollgate run -- COMMAND`: the gate. Loads the rules, starts a capture backend, runs the
/// job under it, evaluates every event as it arrives, writes the reports and exits with the
/// verdict (see `ExitStatus`).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job under syscall capture; fail when a rule at or above --fail-on fires.",
        discussion: """
            The job's standard streams, environment, working directory and exit status pass \
            through. Findings stream to standard error as they happen.
            Exit status: the job's own when nothing blocking was found (128+N after signal N; \
            \(ExitStatus.jobCannotExecute.rawValue) when the command cannot be executed, \
            \(ExitStatus.jobNotFound.rawValue) when it is not found, as in a shell); 3 when a \
            blocking finding exists, the capture lost events or could not read events' payloads \
            from the job's memory (unless --tolerate-drops), or the job interfered with the \
            capture monitor; 64 usage; 65 invalid rules; 69 no capture backend could start; 70 \
            internal error; 74 a report could not be written.
            """
    )

    @OptionGroup
    var gateOptions: GateOptions

    @Option(help: ArgumentHelp("Capture backend: auto (default), ebpf, ptrace or seccomp.", valueName: "backend"))
    var backend: BackendChoice?

    @Option(help: ArgumentHelp("Seconds to wait for descendants after the main process ends before killing them (default 10).", valueName: "seconds"))
    var grace: Double?

    @Option(help: ArgumentHelp("Project config to use instead of ./.tollgate.yaml.", valueName: "file"))
    var config: String?

    @Flag(name: .customLong("no-config"), help: "Ignore ./.tollgate.yaml.")
    var noConfig = false

    @Option(help: ArgumentHelp("Run the config's named command (e.g. pre-push) instead of one given after '--'.", valueName: "name"))
    var named: String?

    @Option(name: .customLong("kill-on"), help: ArgumentHelp("Kill the whole job at the first finding at or above this priority (exit 3).", valueName: "priority"),
            transform: Priority.argument(for: "--kill-on"))
    var killOn: Priority?

    @Option(name: .customLong("deny-on"), help: ArgumentHelp("Refuse a call before it runs when a rule at or above this priority matches it already (ptrace, seccomp; eBPF kills instead); the job goes on.", valueName: "priority"),
            transform: Priority.argument(for: "--deny-on"))
    var denyOn: Priority?

    @Option(name: .customLong("deny-errno"), help: ArgumentHelp("The error a refused call returns (default EPERM).", valueName: "errno"))
    var denyErrno: String?

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Say at the start how the backend hooks syscalls and why better backends were passed over.")
    var verbose = false

    @Option(help: ArgumentHelp("Also write every captured event to this capture file (see 'tollgate analyze').", valueName: "file"))
    var capture: String?

    @Flag(name: .customLong("capture-env"), help: "Write environment variable values into the capture file too (secrets included).")
    var captureEnvironment = false

    @Option(name: .customLong("baseline"), help: ArgumentHelp("A behaviour baseline: what the run does that it does not list is a finding. Default: the config's baseline, else .tollgate/baseline.yaml when it exists.", valueName: "file"))
    var baselinePath: String?

    @Option(name: .customLong("baseline-priority"), help: ArgumentHelp("The priority of a behaviour missing from the baseline (default warning: it fails the gate).", valueName: "priority"),
            transform: Priority.argument(for: "--baseline-priority"))
    var baselinePriority: Priority?

    @Flag(name: .customLong("update-baseline"), help: "Merge what this run does into the baseline file instead of reporting it.")
    var updateBaseline = false

    @Option(name: .customLong("inventory"), help: ArgumentHelp("Write what the run did, by kind, as JSON to this file.", valueName: "file"))
    var inventoryPath: String?

    /// `tollgate baseline record`: write this run's behaviour to the file, replacing it.
    @Option(name: .customLong("record-baseline"), help: .hidden)
    var recordBaselinePath: String?

    @OptionGroup(title: "Reports")
    var reports: ReportOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The job to run, after '--'.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        guard command.isEmpty != (named == nil) else {
            throw ValidationError(named == nil
                ? "missing the job to run: tollgate run [options] -- COMMAND [ARG...]"
                : "give either '--named NAME' or a command after '--', not both")
        }
        if let grace, !(grace >= 0 && grace.isFinite) { throw ValidationError("'--grace' takes a number of seconds, at least 0") }
        if config != nil && noConfig { throw ValidationError("'--config' and '--no-config' cannot be used together") }
        if let denyErrno, DenyErrno.parse(denyErrno) == nil { throw ValidationError(DenyErrno.problem(denyErrno)) }
    }

    func run() throws {
        let settings = try RunSettings(flags: self)
        let command = settings.command
        let startTime = wallClockNow()
        // Loading the eBPF program takes longer than compiling the rules: both at once.
        let preparation = CaptureBackends.Preparation(settings.backend)
        var policy = try RuleSources.policy(settings.rulePaths, extraPaths: settings.extraRulePaths)
        if let config = settings.config { policy.policy.sources.append(Policy.Source(kind: "config", path: config.path, text: config.text)) }
        let engine = policy.engine
        let environment = ProcessInfo.processInfo.environment
        let session = GateSession(policy: policy, failOn: settings.failOn,
                                  tolerateDrops: gateOptions.tolerateDrops, environment: environment, secretNames: settings.secretNames)
        let console = Console(quiet: gateOptions.quiet, mask: session.mask)
        let baselineRun = try BaselineRun.prepare(settings, flags: self, environment: environment, console: console)
        let syscallNames = engine.neededSyscalls.union(SyscallTable.stateSyscallNames)
            .union(baselineRun == nil ? [] : Inventory.neededSyscalls)
        let enforcement = settings.enforcement.enforcement(
            for: engine, extraHold: baselineRun == nil ? [] : Inventory.neededSyscalls,
            extraPriority: baselineRun == nil ? nil : settings.baselinePriority)

        let started: CaptureBackends.Started
        do {
            // A capture file keeps every result and every failed call, for rules it may be
            // analysed with later.
            let exits = capture == nil ? engine.exitSyscalls.union(SyscallTable.returnStateSyscallNames)
                .union(baselineRun == nil ? [] : Inventory.exitSyscalls) : nil
            let failures = capture == nil ? engine.failureSyscalls.union(SyscallTable.failureStateSyscallNames) : nil
            started = try CaptureBackends.start(settings.backend, syscallNames: syscallNames, exitSyscallNames: exits,
                                                failureSyscallNames: failures, enforcement: enforcement, preparation: preparation)
        } catch {
            console.error(error.description)
            throw ExitStatus.noBackend
        }
        console.note(verbose ? started.explanation : started.headline)

        let enforcementPolicy = settings.enforcement.carriedOut(by: started.backend.kind)
        if enforcementPolicy.denyInsteadKills { console.note("eBPF cannot refuse calls here: --deny-on kills the job instead") }
        let bootTimeOffset = UInt64(max(0, BootClock.wallClockOffset()))
        let hostname = ProcessInfo.processInfo.hostName
        let gate = session.gate(bootTimeOffset: bootTimeOffset, hostname: hostname, launcher: .current,
                                inventory: baselineRun?.inventory, baselineCheck: baselineRun?.check,
                                enforcementPolicy: enforcementPolicy, enforcement: enforcement) { finding in
            console.finding(finding)
        }
        let containers = ContainerCoverage(job: RawCommandLine.job(command, typed: named == nil), backend: started.backend.kind,
                                           containers: gate.containers, console: console)
        let job = containers.job
        let recorder = try CaptureRecorder.starting(capture, backend: started.backend.kind, keepEnvironmentValues: captureEnvironment,
                                                    bootTimeOffset: bootTimeOffset)
        var result: CaptureResult
        do {
            result = try started.backend.run(job, grace: GracePeriod(seconds: settings.grace),
                                             sink: recorder.map { TeeSink([$0, gate]) } ?? gate)
        } catch {
            containers.stop()
            console.error("the job could not be run: \(error)")
            try recorder?.conclude(nil)
            throw ExitStatus.internalError
        }
        containers.finish(&result.coverage)
        try recorder?.conclude(result)
        result.coverage.blindSpots += enforcementPolicy.blindSpots(on: started.backend.kind)

        // Rules none of whose event types the backend could deliver (untraced syscalls, event
        // types with no syscall number here), and on backends blind to syscall exits, rules
        // that need them.
        let captured = result.coverage
        let deliverable = SyscallTable.deliverableNames(hooked: syscallNames, untraced: captured.untracedSyscalls)
        let coverage = Coverage(events: captured.events, drops: captured.drops, malformed: captured.malformed,
                                unreadablePayloads: captured.unreadablePayloads, blindSpots: captured.blindSpots,
                                degradations: captured.interference,
                                notEvaluable: session.notEvaluable(backend: captured.backend.rawValue, deliverableSyscalls: deliverable,
                                                                   seesExitData: captured.backend.seesExitData))
        let verdict = session.verdict(findings: gate.findings, coverage: coverage, unseen: captured.unseen,
                                      gateAttacked: !captured.interference.isEmpty,
                                      jobKilled: gate.jobKill != nil, jobStatus: result.outcome.termination.shellStatus)
        let enforcementReport = enforcementPolicy.report(killed: gate.jobKill)
        if let killed = enforcementReport?.killSentence { console.error(killed) }
        console.summary(result, verdict: verdict, findings: gate.findings.total, notEvaluable: coverage.notEvaluable.count)

        // The mask as it ended: with the secrets learned from the job's own execs.
        let finalMask = gate.mask ?? session.mask
        var maskedSecrets = gate.maskedSecrets
        let findings = gate.findings.map { finalMask.apply(to: $0, count: &maskedSecrets) }
        var report = session.report(verdict, command: command, mask: finalMask, maskedSecrets: maskedSecrets, hostname: hostname,
                                    startTime: startTime, endTime: wallClockNow(), backend: captured.backend.rawValue,
                                    coverage: coverage, findings: findings, extraRules: baselineRun?.ruleDescriptors ?? [])
        report.behaviourChanges = try baselineRun?.conclude(console: console)
        report.enforcement = enforcementReport
        if let problem = settings.reportOutsideProject() {
            console.error(problem)
            Self.exit(withError: ExitStatus.cannotWriteReport)
        }
        // Ends the process here rather than returning: the engine's and the decoder's
        // objects need no freeing one by one when the process is about to go.
        do {
            try settings.reports.conclude(report, verdict: verdict, console: console, environment: environment)
        } catch {
            Self.exit(withError: error)
        }
        Self.exit()
    }

    private func wallClockNow() -> UInt64 {
        UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
    }
}

/// What the gate itself says on standard error, prefixed `tollgate:`, with the job's secrets
/// masked.
struct Console {
    let quiet: Bool
    var mask = SecretMask(values: [])

    func finding(_ finding: ReportFinding) {
        guard !quiet else { return }
        let action = finding.action.map { " [\($0.rawValue)]" } ?? ""
        let note = finding.resultAssumed ? " [\(ReportFinding.resultAssumedNote)]" : ""
        write("tollgate: \(finding.priority.description) \(finding.rule)\(action): \(finding.output)\(note)")
    }

    func note(_ text: String) {
        guard !quiet else { return }
        write("tollgate: \(text)")
    }

    func error(_ text: String) {
        write("tollgate: error: \(text)")
    }

    func summary(_ result: CaptureResult, verdict: GateVerdict, findings: Int, notEvaluable: Int) {
        let coverage = result.coverage
        if let failure = result.outcome.execFailure { error(failure.description) }
        for damage in verdict.damage { error(damage) }
        for interference in coverage.interference {
            error("\(interference); this run cannot pass")
        }
        if !result.outcome.killedDescendants.isEmpty {
            note("killed \(result.outcome.killedDescendants.count) process(es) still running after the grace period: \(result.outcome.killedDescendants.map(String.init).joined(separator: " "))")
        }
        if let reads = coverage.memoryReads, reads.failed > 0 || reads.method != "process_vm_readv" {
            note(reads.description)
        }
        let unreadable = coverage.unreadablePayloads > 0 ? ", \(coverage.unreadablePayloads) with unreadable payloads" : ""
        note("job \(result.outcome.termination); backend \(coverage.backend.rawValue), \(coverage.events) events, \(coverage.drops) dropped\(unreadable); \(findings) findings, \(verdict.blocking) blocking\(notEvaluable > 0 ? "; \(notEvaluable) rules not evaluable on this backend" : "")")
    }

    private func write(_ line: String) {
        FileHandle.standardError.write(Data((mask.apply(line) + "\n").utf8))
    }
}
