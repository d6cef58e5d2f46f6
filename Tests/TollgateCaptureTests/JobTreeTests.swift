import Testing
import TollgateEvents
@testable import TollgateCapture

struct JobTreeTests {
    func fork(parent: Int32, child: Int32, thread: Bool = false) -> RawEvent {
        RawEvent(kind: .processFork, timestamp: 1, pid: parent, tid: parent,
                 args: [thread ? 0x10000 : 0, UInt64(thread ? parent : child)], returnValue: Int64(child))
    }

    func exit(pid: Int32, tid: Int32? = nil) -> RawEvent {
        RawEvent(kind: .processExit, timestamp: 2, pid: pid, tid: tid ?? pid)
    }

    @Test func tracksForkedProcessesUntilTheirLeaderExits() {
        let tree = JobTree(mainPid: 10)
        tree.observe(fork(parent: 10, child: 11))
        tree.observe(fork(parent: 11, child: 12))
        #expect(tree.live == [10, 11, 12])
        tree.observe(exit(pid: 11))
        #expect(tree.live == [10, 12])
        #expect(tree.exitedUnreaped == [11])
        tree.forget(11)
        #expect(tree.exitedUnreaped.isEmpty)
    }

    @Test func threadsAreNotProcesses() {
        let tree = JobTree(mainPid: 10)
        tree.observe(fork(parent: 10, child: 15, thread: true))
        #expect(tree.live == [10])
        tree.observe(exit(pid: 10, tid: 15))
        #expect(tree.live == [10], "a thread's exit does not end its process")
    }

    @Test func theMainProcessIsReapedByTheSupervisorNotQueued() {
        let tree = JobTree(mainPid: 10)
        tree.observe(exit(pid: 10))
        #expect(tree.live.isEmpty)
        #expect(tree.exitedUnreaped.isEmpty)
    }
}
