import Testing
@testable import TollgateEvents

/// Which container a process is in, from its cgroup's name, and the image names Falco splits.
struct ContainerIdentityTests {
    static let id = String(repeating: "0123456789abcdef", count: 4)

    @Test(arguments: [
        (id, id as String?),
        ("docker-\(id).scope", id),
        ("libpod-\(id).scope", id),
        ("cri-containerd-\(id).scope", id),
        ("session-3.scope", nil),
        (String(id.dropLast()), nil),
        (id.uppercased(), nil),
        ("run-123-456", nil),
        ("", nil),
    ])
    func readsTheContainerFromTheCgroupName(name: String, expected: String?) {
        #expect(ContainerIdentity.id(cgroupName: name) == expected, "\(name)")
    }

    @Test(arguments: [
        ("busybox", "busybox", ""),
        ("busybox:1.36", "busybox", "1.36"),
        ("localhost/tollgate-job:1", "localhost/tollgate-job", "1"),
        ("registry:5000/team/app", "registry:5000/team/app", ""),
        ("registry:5000/team/app:2@sha256:abcd", "registry:5000/team/app", "2"),
    ])
    func splitsTheImageLikeFalco(image: String, repository: String, tag: String) {
        let split = ContainerTable.Container(image: image).repositoryAndTag
        #expect(split?.repository == repository && split?.tag == tag, "\(image): \(String(describing: split))")
    }

    /// An exec names its cgroup: the process is in that container from then on, its children too,
    /// until one of them execs in a cgroup that is no container's.
    @Test func aProcessIsInTheContainerItsExecNames() throws {
        typealias T = TestEvents
        let decoder = T.decoder()
        var exec = T.exec(pid: 1000, path: "/bin/sh", argv: ["sh"])
        exec.setPayload(.cgroup, Array("docker-\(Self.id).scope".utf8))
        T.run(decoder, [exec, T.fork(child: 1001)])
        let parent = try #require(decoder.processes.process(1000))
        let child = try #require(decoder.processes.process(1001))
        #expect(parent.containerID == String(Self.id.prefix(12)) && parent.containerFullIDBytes == ByteString(Self.id))
        #expect(child.containerIDBytes == ByteString(String(Self.id.prefix(12))))
        var hostExec = T.exec(pid: 1001, path: "/bin/true", argv: ["true"])
        hostExec.setPayload(.cgroup, Array("session-3.scope".utf8))
        T.run(decoder, [hostExec])
        #expect(child.containerID == "host" && parent.containerID != "host")
    }
}
