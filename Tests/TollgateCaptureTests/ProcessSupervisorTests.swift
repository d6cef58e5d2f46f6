import Foundation
import Testing
import CTollgate
@testable import TollgateCapture

/// The supervisor's wake-up descriptors: a backend sleeping until records arrive wakes on
/// them when the job's main process ends, instead of at its next tick. Real processes, no
/// privileges needed (pidfds and subreapers are unprivileged).
@Suite(.serialized)
struct ProcessSupervisorTests {
    static let job = JobSpec(command: ["/bin/sh", "-c", "exit 3"], environment: ["PATH=/usr/bin:/bin"],
                             workingDirectory: "/")

    /// Whether any of `fds` is readable within `milliseconds`.
    func readable(_ fds: [Int32], within milliseconds: Int32) -> Bool {
        var ready = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        return poll(&ready, nfds_t(ready.count), milliseconds) > 0
    }

    @Test func theMainProcessEndingWakesTheWait() throws {
        let supervisor = try ProcessSupervisor(grace: GracePeriod(seconds: 10))
        let launch = try JobLauncher.prepare(Self.job)
        supervisor.watchMain(launch.pid)
        let watched = supervisor.wakeDescriptors
        #expect(watched.count == 2, "the signal pipe and the main process's pidfd")
        #expect(!readable(watched, within: 0), "the main process is held before exec: nothing to do yet")

        try JobLauncher.release(launch, job: Self.job)
        // Far longer than the job takes; the wait ends as soon as the job does.
        #expect(readable(watched, within: 30_000), "the main process's end did not wake the wait")
        let tree = JobTree(mainPid: launch.pid)
        #expect(supervisor.step(tree), "woken for the end, the step finds the tree gone")
        #expect(supervisor.outcome(mainPid: launch.pid).termination == .exited(3))
        #expect(supervisor.wakeDescriptors.count == 1, "a reaped main process is no longer watched")
    }

    @Test func anUnwatchedJobLeavesOnlyTheSignalPipe() throws {
        let supervisor = try ProcessSupervisor(grace: GracePeriod(seconds: 10))
        #expect(supervisor.wakeDescriptors.count == 1)
        #expect(!readable(supervisor.wakeDescriptors, within: 0), "no signal arrived")
    }
}
