import Testing
@testable import TollgateBaseline

/// Each normalisation of the inventory's entries (issue 25).
struct EntryNormalizerTests {
    static let normalizer = EntryNormalizer(
        workspace: "/home/runner/work/app/app", home: "/home/runner",
        temporaryFolders: ["/tmp", "/var/tmp", "/home/runner/work/_temp"],
        toolCaches: ["/opt/hostedtoolcache", "/home/runner/.pyenv/versions"])

    /// Raw entries are `EXE <- PARENT_EXE <- PARENT_NAME`; the parent here is unknown by file.
    @Test(arguments: [
        ("workspace", "/home/runner/work/app/app/build/tool <- make", "$WORKSPACE/build/tool <- make"),
        ("home", "/home/runner/.local/bin/poetry <- sh", "~/.local/bin/poetry <- sh"),
        ("temp folder names", "/tmp/tmp.Ab3dE5gH7j/bin/test-runner <- sh", "/tmp/*/*/test-runner <- sh"),
        ("runner temp", "/home/runner/work/_temp/4f1c/run.sh <- bash", "/home/runner/work/_temp/*/run.sh <- bash"),
        ("tool cache version", "/opt/hostedtoolcache/Python/3.12.1/x64/bin/python3.12 <- sh", "/opt/hostedtoolcache/Python/*/x64/bin/python3.12 <- sh"),
        ("pyenv version", "/home/runner/.pyenv/versions/3.11.7/bin/python <- sh", "~/.pyenv/versions/*/bin/python <- sh"),
        ("hex hash", "/root/.cache/go-build/3f/3fa9c1d2e4b5a6c7d8e9f0a1b2/out <- go", "/root/.cache/go-build/3f/*/out <- go"),
        ("mktemp outside temp", "/srv/cache/tmp.Zx81QwErTy/tool <- sh", "/srv/cache/tmp.*/tool <- sh"),
        ("python tempfile", "/srv/cache/tmpa1b2c3_d/tool <- sh", "/srv/cache/tmp*/tool <- sh"),
        ("system path kept", "/usr/bin/cc <- make", "/usr/bin/cc <- make"),
        ("the job's first process", "/usr/bin/dash <- <NA>", "/usr/bin/dash <- (gate)"),
        ("a word is not a hash", "/usr/share/deadbeefcafe/x <- sh", "/usr/share/deadbeefcafe/x <- sh"),
    ])
    func executables(_ name: String, _ raw: String, _ expected: String) {
        let parts = raw.components(separatedBy: " <- ")
        let threePart = parts[0] + " <- <NA> <- " + parts[1]
        #expect(Self.normalizer.normalize(threePart, kind: .executable) == expected, "\(name)")
    }

    @Test func theParentIsNamedByTheFileItRuns() {
        let normalizer = EntryNormalizer(workspace: "/w", home: "/h", temporaryFolders: ["/tmp"], toolCaches: [],
                                         resolveExecutable: { $0 == "/tmp/x/make" ? "/usr/bin/bash" : $0 },
                                         gateExecutable: "/opt/tg/tollgate")
        #expect(normalizer.normalize("/usr/bin/curl <- /tmp/x/make <- make", kind: .executable) == "/usr/bin/curl <- bash")
        #expect(normalizer.normalize("/usr/bin/dash <- /opt/tg/tollgate <- tollgate", kind: .executable) == "/usr/bin/dash <- (gate)")
        #expect(normalizer.normalize("/usr/bin/id <- <NA> <- sh", kind: .executable) == "/usr/bin/id <- sh")
    }

    @Test func filesWrittenInTheWorkspaceOrTempFoldersAreLeftOut() {
        #expect(Self.normalizer.normalize("/home/runner/work/app/app/out.o", kind: .fileWritten) == nil)
        #expect(Self.normalizer.normalize("/tmp/cc8x.o", kind: .fileWritten) == nil)
        #expect(Self.normalizer.normalize("/dev/null", kind: .fileWritten) == nil)
        #expect(Self.normalizer.normalize("/usr/local/bin/helper", kind: .fileWritten) == "/usr/local/bin/helper")
        #expect(Self.normalizer.normalize("/home/runner/.bashrc", kind: .fileWritten) == "~/.bashrc")
        #expect(Self.normalizer.normalize("/proc/4242/task/4243/comm", kind: .fileWritten) == "/proc/*/task/*/comm")
        // A sibling whose name starts like the workspace is not in it.
        #expect(Self.normalizer.normalize("/home/runner/work/app/app2/x", kind: .fileWritten) == "~/work/app/app2/x")
    }

    @Test func portsTheKernelChoseAreStarred() {
        #expect(Self.normalizer.normalize("tcp 127.0.0.1:45123", kind: .loopbackEndpoint) == "tcp 127.0.0.1:*")
        #expect(Self.normalizer.normalize("tcp 127.0.0.1:5432", kind: .loopbackEndpoint) == "tcp 127.0.0.1:5432")
        #expect(Self.normalizer.normalize("udp 10.0.0.2:53", kind: .networkEndpoint) == "udp 10.0.0.2:53")
    }

    @Test(arguments: [
        ("/usr/bin/docker run --rm -v /a:/b -e X=1 busybox:1.36 sh -c true", "docker busybox:1.36"),
        ("/usr/bin/podman container run -it --name=x --network none alpine", "podman alpine"),
        ("/usr/bin/docker create -- registry.example/app@sha256:ab", "docker registry.example/app@sha256:ab"),
        ("/usr/bin/docker -D run evil/miner", "docker evil/miner"),
        ("/usr/bin/docker -H unix:///x.sock run -dit evil/miner alpine", "docker evil/miner"),
        ("/usr/bin/docker run", "docker <unknown image>"),
    ])
    func containerImages(_ raw: String, _ expected: String) {
        #expect(Self.normalizer.normalize(raw, kind: .containerImage) == expected)
    }

    @Test func privilegedActionsKeepTheCallAndNormalizeThePath() {
        #expect(Self.normalizer.normalize("mount by /home/runner/work/app/app/tool", kind: .privilegedAction) == "mount by $WORKSPACE/tool")
    }

    @Test func executablesAreNamedByTheFileTheyRun() {
        let normalizer = EntryNormalizer(environment: ["HOME": "/root"], jobDirectory: "/")
        #expect(normalizer.normalize("/usr/bin/sh <- <NA> <- make", kind: .executable) == EntryNormalizer.realPath("/usr/bin/sh") + " <- make")
        #expect(EntryNormalizer.realPath("/nonexistent/tool") == "/nonexistent/tool")
    }

    @Test func environmentChoosesTheWorkspace() {
        let github = EntryNormalizer(environment: ["GITHUB_WORKSPACE": "/w/app", "HOME": "/home/r", "RUNNER_TEMP": "/w/_temp"],
                                     jobDirectory: "/elsewhere")
        #expect(github.workspace == "/w/app" && github.temporaryFolders.contains("/w/_temp"))
        #expect(EntryNormalizer(environment: ["HOME": "/root"], jobDirectory: "/src/app").workspace == "/src/app")
    }
}

/// The built-in inventory rules load, and ask for the syscalls their kinds need.
struct InventoryRulesTests {
    @Test func theInventoryRulesLoadAndNameTheirSyscalls() {
        let needed = Inventory.neededSyscalls
        for name in ["execve", "connect", "openat", "rename", "mount", "setuid", "finit_module"] {
            #expect(needed.contains(name), "\(name) is not captured for the inventory")
        }
        #expect(Inventory.exitSyscalls.contains("connect"))
    }
}

