import Foundation

/// Runs the `tollgate` executable built beside the test bundle.
struct TollgateBinary {
    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The built executable: the test runner lives in the same products folder.
    static var url: URL { built("tollgate") }

    /// The benchmark executable, `tollgate-bench`, built beside it (not shipped).
    static var benchURL: URL { built("tollgate-bench") }

    static func built(_ name: String) -> URL {
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return runner.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Runs `tollgate` with `arguments`, optionally through a wrapper command such as `setpriv`.
    static func run(_ arguments: [String], through wrapper: [String] = [], executable: URL = url) throws -> Outcome {
        let process = Process()
        let command = wrapper + [executable.path] + arguments
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A copy of the executable in a fresh world-readable folder, so other users can run it
    /// wherever the checkout lives.
    static func copyForOtherUsers() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let copy = folder.appendingPathComponent("tollgate")
        // A hard link, not a copy: a copy is open for writing for a moment, and a child that
        // another test forks then inherits that descriptor, so exec fails with ETXTBSY (126).
        if link(url.path, copy.path) != 0 {
            try FileManager.default.copyItem(at: url, to: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy.path)
        }
        return copy
    }
}
