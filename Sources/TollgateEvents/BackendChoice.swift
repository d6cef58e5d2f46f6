/// The capture backend a run asks for (`--backend`, the config's `backend`): one by name, or
/// `auto`, the first that starts. Here, below the capture, so that the command line and the
/// config reader check a value against the same list.
public enum BackendChoice: String, CaseIterable, Sendable {
    case auto, ebpf, ptrace, seccomp
}
