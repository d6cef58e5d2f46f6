import TollgateEvents
import TollgateRules

/// The inventory's observations written in Falco's rule language and evaluated by an engine of
/// their own: each rule is a kind, its rendered output the raw entry. The same fields and
/// semantics as every rule, on every backend, live or from a capture.
enum InventoryRules {
    static let text = """
        - rule: executable
          desc: A program was run.
          condition: evt.type in (execve, execveat) and evt.failed = false
          output: "%proc.exepath <- %proc.pexepath <- %proc.pname"
          priority: INFO
        - rule: networkEndpoint
          desc: A connection or datagram to a peer outside the machine.
          condition: >
            evt.type in (connect, sendto, sendmsg, sendmmsg) and (evt.failed = false or evt.res = EINPROGRESS)
            and fd.type in (ipv4, ipv6) and fd.rip exists
            and not fd.rnet = "127.0.0.0/8" and not fd.rip = "::1" and not fd.rip = "::ffff:127.0.0.1"
          output: "%fd.l4proto %fd.rip:%fd.rport"
          priority: INFO
        - rule: loopbackEndpoint
          desc: A connection or datagram to a loopback peer.
          condition: >
            evt.type in (connect, sendto, sendmsg, sendmmsg) and (evt.failed = false or evt.res = EINPROGRESS)
            and fd.type in (ipv4, ipv6) and fd.rip exists
            and (fd.rnet = "127.0.0.0/8" or fd.rip = "::1" or fd.rip = "::ffff:127.0.0.1")
          output: "%fd.l4proto %fd.rip:%fd.rport"
          priority: INFO
        - rule: fileWritten
          desc: A regular file opened for writing.
          condition: evt.type in (open, openat, openat2, creat, open_by_handle_at) and evt.is_open_write = true and evt.failed = false and fd.typechar = f
          output: "%fd.name"
          priority: INFO
        - rule: fileWrittenByName
          desc: A file renamed, linked or symlinked into place.
          condition: evt.type in (rename, renameat, renameat2, link, linkat, symlink, symlinkat) and evt.failed = false
          output: "%fs.path.target"
          priority: INFO
        - rule: containerImage
          desc: A container engine asked to run or create a container.
          condition: >
            evt.type in (execve, execveat) and evt.failed = false
            and (proc.name in (docker, podman, nerdctl) or proc.exepath endswith /docker
                 or proc.exepath endswith /podman or proc.exepath endswith /nerdctl)
            and (proc.args startswith "run " or proc.args contains " run "
                 or proc.args startswith "create " or proc.args contains " create ")
          output: "%proc.exepath %proc.args"
          priority: INFO
        - rule: privilegedAction
          desc: A successful call that changes credentials, mounts, namespaces or kernel modules.
          condition: >
            evt.type in (setuid, setgid, setreuid, setregid, setresuid, setresgid, capset, mount, umount2,
                         unshare, setns, init_module, finit_module, delete_module, pivot_root, chroot)
            and evt.failed = false
          output: "%evt.type by %proc.exepath"
          priority: INFO
        """

    /// The compiled inventory rules; their syscalls must be captured for the inventory to be whole.
    static let engine: Engine = {
        let result = RuleLoader().load(files: [RuleSource(path: "tollgate-inventory.yaml", text: text)])
        guard let ruleSet = result.ruleSet else {
            preconditionFailure("the built-in inventory rules do not load: \(result.diagnostics)")
        }
        return Engine(ruleSet)
    }()

    /// The kind a rule of `text` reports.
    static func kind(ofRule name: String) -> InventoryKind? {
        name == "fileWrittenByName" ? .fileWritten : InventoryKind(rawValue: name)
    }
}
