#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Turns raw inventory entries into stable ones, so that two runs of the same job list the same
/// entries: the workspace as `$WORKSPACE`, the home folder as `~`, names under the temp folders,
/// temp-file names (`mktemp`, Python's `tempfile`), versions inside tool-cache paths, hex hashes
/// and pids as `*`, and ports the kernel chose (the ephemeral range) as `*`.
public struct EntryNormalizer: Sendable {
    /// The checkout (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`, `TOLLGATE_WORKSPACE`, else the job's
    /// working directory); files written below it are the build's own and left out.
    public var workspace: String
    public var home: String
    /// Folders whose contents are scratch (left out of files written, names inside as `*`).
    public var temporaryFolders: [String]
    /// Folders holding versioned tool installs (`/opt/hostedtoolcache/Python/3.12.1/...`).
    public var toolCaches: [String]
    /// An executable's path with its symlinks resolved (`/usr/bin/sh` is `/usr/bin/dash`), so
    /// that backends which report the path as invoked and those that report the file agree.
    public var resolveExecutable: @Sendable (String) -> String
    /// The gate's own executable: the job's first process's parent, written `(gate)`.
    public var gateExecutable: String

    public init(workspace: String, home: String, temporaryFolders: [String], toolCaches: [String],
                resolveExecutable: @escaping @Sendable (String) -> String = { $0 }, gateExecutable: String = "") {
        self.resolveExecutable = resolveExecutable
        self.gateExecutable = gateExecutable
        self.workspace = Self.withoutTrailingSlash(workspace)
        self.home = Self.withoutTrailingSlash(home)
        self.temporaryFolders = temporaryFolders.map(Self.withoutTrailingSlash).filter { !$0.isEmpty && $0 != "/" }
        self.toolCaches = toolCaches.map(Self.withoutTrailingSlash).filter { !$0.isEmpty && $0 != "/" }
    }

    /// The normalizer of a run whose gate has `environment` and whose job starts in `directory`.
    public init(environment: [String: String], jobDirectory: String) {
        let workspace = ["GITHUB_WORKSPACE", "CI_PROJECT_DIR", "TOLLGATE_WORKSPACE"].lazy
            .compactMap { environment[$0] }.first { !$0.isEmpty } ?? jobDirectory
        let temporary = ["/tmp", "/var/tmp", "/dev/shm", environment["TMPDIR"], environment["RUNNER_TEMP"]].compactMap { $0 }
        let caches = ["/opt/hostedtoolcache", environment["RUNNER_TOOL_CACHE"], environment["AGENT_TOOLSDIRECTORY"]].compactMap { $0 }
            + [".pyenv/versions", ".nvm/versions/node", ".rustup/toolchains", ".sdkman/candidates", ".gradle/wrapper/dists"]
            .map { (environment["HOME"] ?? "/root") + "/" + $0 }
        self.init(workspace: workspace, home: environment["HOME"] ?? "", temporaryFolders: temporary, toolCaches: caches,
                  resolveExecutable: Self.realPath, gateExecutable: Self.realPath("/proc/self/exe"))
    }

    /// The stable form of `entry`, or nil when the entry is left out (a file written in the
    /// workspace or a temp folder).
    public func normalize(_ entry: String, kind: InventoryKind) -> String? {
        switch kind {
        case .executable:
            // `EXE <- PARENT_EXE <- PARENT_NAME`: the parent is named by the file it runs (a
            // symlink named `make` does not make bash `make`), else by its name; the job's first
            // process's parent is the gate.
            let parts = entry.components(separatedBy: " <- ")
            guard parts.count == 3 else { return path(resolveExecutable(entry)) }
            let parentExecutable = parts[1] == "<NA>" ? nil : resolveExecutable(parts[1])
            let parent: String
            if parentExecutable != nil && parentExecutable == gateExecutable || (parentExecutable == nil && parts[2] == "<NA>") {
                parent = "(gate)"
            } else {
                parent = parentExecutable.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? parts[2]
            }
            return path(resolveExecutable(parts[0])) + " <- " + parent
        case .networkEndpoint, .loopbackEndpoint:
            return endpoint(entry)
        case .fileWritten:
            // Devices (/dev/null, a terminal) are not files a build leaves behind.
            guard entry.hasPrefix("/"), !entry.hasPrefix("/dev/"), !isScratch(entry) else { return nil }
            return path(entry)
        case .containerImage:
            // `ENGINE_EXE ARGS`: the engine named by the file it runs.
            let space = entry.firstIndex(of: " ") ?? entry.endIndex
            let engine = resolveExecutable(String(entry[..<space])).split(separator: "/").last.map(String.init) ?? ""
            return ContainerImageArguments.entry(engine + entry[space...])
        case .privilegedAction:
            guard let by = entry.range(of: " by ") else { return entry }
            return entry[..<by.upperBound] + path(String(entry[by.upperBound...]))
        }
    }

    /// True for a path below the workspace or a temp folder.
    func isScratch(_ path: String) -> Bool {
        ([workspace] + temporaryFolders).contains { !$0.isEmpty && Self.isBelow(path, $0) }
    }

    /// A path with the run-specific parts replaced (see the type's description).
    public func path(_ raw: String) -> String {
        if let folder = temporaryFolders.first(where: { Self.isBelow(raw, $0) }) {
            // Below a temp folder every name but the last is the run's own.
            let rest = raw.dropFirst(folder.count + 1).split(separator: "/", omittingEmptySubsequences: false)
            return ([folder] + rest.dropLast().map { _ in "*" } + rest.suffix(1).map { Self.stableName(String($0)) }).joined(separator: "/")
        }
        var text = raw
        var prefix = ""
        if !workspace.isEmpty, Self.isBelow(text, workspace) || text == workspace {
            prefix = "$WORKSPACE"
            text = String(text.dropFirst(workspace.count))
        } else if !home.isEmpty, home != "/", Self.isBelow(text, home) || text == home {
            prefix = "~"
            text = String(text.dropFirst(home.count))
        }
        let cache = toolCaches.first { Self.isBelow(raw, $0) }
        var components = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in components.indices {
            var name = Self.stableName(components[index])
            if index > 0, components[index - 1] == "proc", name.allSatisfy(\.isNumber), !name.isEmpty { name = "*" }
            if index > 0, components[index - 1] == "task", name.allSatisfy(\.isNumber), !name.isEmpty { name = "*" }
            if cache != nil, Self.isVersion(name) { name = "*" }
            components[index] = name
        }
        return prefix + components.joined(separator: "/")
    }

    /// `PROTOCOL ADDRESS:PORT` with a port from the kernel's ephemeral range as `*`.
    func endpoint(_ entry: String) -> String {
        guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]) else { return entry }
        return port >= 32_768 ? entry[...colon] + "*" : entry
    }

    /// A file or folder name with temp-name and hash parts as `*`.
    static func stableName(_ name: String) -> String {
        let bytes = Array(name.utf8)
        // mktemp's tmp.XXXXXXXXXX and Python tempfile's tmpXXXXXXXX.
        if name.hasPrefix("tmp.") && bytes.count == 14 && bytes.dropFirst(4).allSatisfy(isAlphanumeric) { return "tmp.*" }
        if name.hasPrefix("tmp") && bytes.count == 11 && bytes.dropFirst(3).allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") })
            && bytes.dropFirst(3).contains(where: isDigit) { return "tmp*" }
        return hashesStarred(name)
    }

    /// Runs of 12 or more hex digits holding both a digit and a letter, as `*`.
    static func hashesStarred(_ name: String) -> String {
        let bytes = Array(name.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            var end = index
            while end < bytes.count, isHex(bytes[end]) { end += 1 }
            let run = bytes[index..<end]
            if run.count >= 12, run.contains(where: isDigit), run.contains(where: { !isDigit($0) }) {
                out.append(UInt8(ascii: "*"))
            } else {
                out.append(contentsOf: run)
            }
            if end < bytes.count { out.append(bytes[end]) }
            index = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `3.12.1`, `v20.11.0`, `1.75.0-x86_64-unknown-linux-gnu`, `gradle-8.5-bin`: a version at
    /// the start of the name or after a `-` (`python3.12` is a program, not a version).
    static func isVersion(_ name: String) -> Bool {
        func startsWithVersion(_ text: Substring) -> Bool {
            let core = text.hasPrefix("v") ? text.dropFirst() : text
            guard let first = core.first, first.isNumber else { return false }
            return core.prefix { $0.isNumber || $0 == "." }.contains(".")
        }
        return startsWithVersion(Substring(name)) || name.split(separator: "-").dropFirst().contains { startsWithVersion($0) }
    }

    /// `realpath(3)` of `path`, or `path` when it cannot be resolved (gone, not absolute).
    @Sendable static func realPath(_ path: String) -> String {
        guard path.hasPrefix("/"), let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isBelow(_ path: String, _ folder: String) -> Bool {
        !folder.isEmpty && path.hasPrefix(folder) && path.utf8.count > folder.utf8.count
            && path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: folder.utf8.count)] == UInt8(ascii: "/")
    }

    static func withoutTrailingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
