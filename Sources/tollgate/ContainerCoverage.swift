import Foundation
import TollgateCapture
import TollgateContainers
import TollgateEvents

/// Containers the job has an engine start: they are no descendants of the job, so the run gets
/// a cgroup of its own that the eBPF program follows (`RunCgroup`), and the job gets the
/// engine proxy as its `DOCKER_HOST`, which places the containers there (`EngineProxy`). What
/// stays out of sight is listed as unseen, and fails the run unless accepted.
struct ContainerCoverage {
    /// The job, with `DOCKER_HOST` pointing at the proxy and the run's cgroup to follow.
    private(set) var job: JobSpec
    private let cgroup: RunCgroup?
    private let proxy: EngineProxy?
    private let console: Console
    /// Known before the job starts: an engine endpoint the proxy cannot stand in front of.
    private var unseenBefore: [String] = []

    /// `containers` learns of each container the job creates through the proxy.
    init(job: JobSpec, backend: BackendKind, containers: ContainerTable, console: Console) {
        self.job = job
        self.console = console
        let variable = "DOCKER_HOST="
        let dockerHost = job.environment.last { $0.hasPrefix(variable) }.map { String($0.dropFirst(variable.count)) }
        var cgroup: RunCgroup?
        if backend == .ebpf {
            do {
                cgroup = try RunCgroup()
            } catch {
                console.note("containers cannot be followed: \(error)")
            }
        }
        var proxy: EngineProxy?
        switch EngineEndpoint(dockerHost: dockerHost) {
        case .unix(let socket) where FileManager.default.fileExists(atPath: socket):
            do {
                proxy = try EngineProxy(upstream: socket, cgroupParent: cgroup?.path)
            } catch {
                unseenBefore.append("the container engine at '\(socket)': its proxy could not start (\(error))")
            }
        case .unix:
            break // no engine listens: nothing to stand in front of
        case .unsupported(let endpoint):
            let scheme = endpoint.components(separatedBy: "://").first ?? "?"
            unseenBefore.append("the job's DOCKER_HOST is not a unix socket (\(scheme)://...): what it has that engine run is not followed")
        }
        proxy?.activity.observeCreated { created in
            guard let id = created.id else { return }
            let facts = created.facts
            containers.register(id: id, ContainerTable.Container(
                name: facts.name, image: facts.image, imageID: facts.imageID, privileged: facts.privileged,
                hostPID: facts.pidMode == "host", hostNetwork: facts.networkMode == "host",
                mounts: facts.mounts.isEmpty ? facts.hostPaths.map { "\($0):::true:" } : facts.mounts))
        }
        if let proxy {
            self.job.environmentEntries.removeAll { $0.starts(with: Array(variable.utf8)) }
            self.job.environmentEntries.append(Array((variable + "unix://" + proxy.socketPath).utf8))
        }
        self.job.followedCgroup = cgroup?.directory
        self.cgroup = cgroup
        self.proxy = proxy
    }

    /// Stops the proxy and removes the run's cgroup, killing what is left in it.
    func stop() {
        proxy?.stop()
        cgroup?.stop()
    }

    /// `stop`, then adds what the capture could not follow to `coverage` and says how many
    /// processes (containers left running) it killed in the run's cgroup.
    func finish(_ coverage: inout CaptureCoverage) {
        proxy?.stop()
        let left = cgroup?.stop() ?? 0
        let unseen = unseenBefore + (proxy?.activity.unseen ?? [])
        coverage.unseen += unseen
        coverage.blindSpots += unseen
        if proxy != nil {
            coverage.blindSpots.append("the engine's socket reached under another name (a symlink, a bind mount, /proc/<pid>/fd/N) is not recognised as going behind the gate's proxy: containers created that way are neither placed nor followed")
        }
        if left > 0 { console.note("killed \(left) process(es) still running in the run's cgroup (containers)") }
    }
}
