import TollgateEvents

/// Fields about the CI step the job is: the provider's job-control files, and the step's own
/// shell, the only writer of them an honest step has (tollgate's fields).
enum StepFields {
    static let all: [FieldDefinition] = [
        FieldDefinition("fd.is_job_control_file", .bool,
                        "'true' if the fd is one of the CI provider's job-control files, which set environment variables, PATH entries, outputs or state for the steps that follow (GitHub's GITHUB_ENV, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY); 'false' outside such a CI (tollgate's field).",
                        .bool { event in event.fd.map { fd in !fd.type.isSocket && event.facts.ci.isJobControlFile(fd.path) } }),
        FieldDefinition("proc.is_step_shell", .bool,
                        "'true' if the process is a shell (sh, bash, dash, zsh, ksh, pwsh) that ran only shells, and so is every ancestor up to the job's first process: the step's own script and the shell scripts it runs, not a shell a program started or exec'd into (tollgate's field).",
                        .bool { event in isStepShell(event.process) }),
        FieldDefinition("fs.path.is_job_control_file", .bool,
                        "'true' if the path a file syscall operates on, or its source or target (rename, link, symlink), is one of the CI provider's job-control files, as fd.is_job_control_file (tollgate's field).",
                        .bool { event in
                            [event.fsPath(.name), event.fsPath(.source), event.fsPath(.target)].contains(where: event.facts.ci.isJobControlFile)
                        }),
    ]

    /// Shells by the real path of their executable (`proc.exepath`), so that a program copied
    /// or linked under a shell's name is not one. Only system binary folders, where a job's
    /// write is itself a finding (`CI Write below system binary folder`).
    static let shellPaths: Set<ByteString> = Set(["sh", "bash", "dash", "zsh", "ksh", "ksh93", "mksh", "pwsh"].flatMap {
        ["/usr/bin/\($0)", "/bin/\($0)"].map { ByteString($0) }
    })

    /// Whether `process` and its ancestors below the gate are all shells; nil when the chain is
    /// not known to its root (a process first seen mid-life).
    static func isStepShell(_ process: ProcessRecord) -> Bool? {
        var current: ProcessRecord? = process
        for _ in 0...ProcessRecord.maxAncestorDepth {
            guard let link = current else { return nil }
            if link.isLauncher { return link !== process }
            guard link.isKnown else { return nil }
            guard let path = link.exePath, shellPaths.contains(path), link.earlierImages.isSubset(of: shellPaths) else { return false }
            current = link.parent
        }
        return nil
    }
}
