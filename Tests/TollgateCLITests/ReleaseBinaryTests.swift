import Foundation
import Testing

/// The release tarball of `scripts/release.sh` works on its own: unpacked outside the checkout,
/// with the build folder gone and an empty environment. Opt in with
/// `TOLLGATE_RELEASE_TARBALL=out/tollgate-<version>-linux-<arch>.tar.gz` (a release build takes
/// minutes; `scripts/check-integrations` builds one and sets it).
struct ReleaseBinaryTests {
    static let tarball = ProcessInfo.processInfo.environment["TOLLGATE_RELEASE_TARBALL"] ?? ""

    struct Outcome {
        let status: Int32
        let stdout: String
    }

    /// Runs `command` in `folder` with nothing in the environment, not even PATH.
    static func run(_ command: [String], in folder: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.currentDirectoryURL = folder
        process.environment = [:]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self))
    }

    /// The tarball unpacked into a fresh folder outside the checkout; returns the executable.
    static func unpack() throws -> URL {
        let folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("tollgate-release-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let untar = try run(["/usr/bin/tar", "-xzf", URL(fileURLWithPath: tarball).path, "-C", folder.path], in: folder)
        #expect(untar.status == 0)
        let top = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(top.count == 1 && top[0].hasPrefix("tollgate-"), "one top folder named after the release: \(top)")
        return folder.appendingPathComponent(top.first ?? "").appendingPathComponent("tollgate")
    }

    @Test(.enabled(if: !tarball.isEmpty, "opt-in: set TOLLGATE_RELEASE_TARBALL to a scripts/release.sh tarball"))
    func theReleaseBinaryRunsDoctorOnItsOwn() throws {
        let binary = try Self.unpack()
        defer { try? FileManager.default.removeItem(at: binary.deletingLastPathComponent().deletingLastPathComponent()) }
        let folder = binary.deletingLastPathComponent()

        let doctor = try Self.run([binary.path, "doctor", "--json"], in: folder)
        #expect(doctor.status == 0, "doctor finds a working backend here")
        let report = try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any] ?? [:]
        let backend = report["automaticBackend"] as? String
        #expect(backend != nil, "doctor --json names the backend auto picks: \(doctor.stdout.prefix(300))")
        let kernel = report["kernelRelease"] as? String ?? ""
        #expect(!kernel.isEmpty)

        let version = try Self.run([binary.path, "--version"], in: folder)
        #expect(version.status == 0 && version.stdout.first?.isNumber == true)
    }

    @Test(.enabled(if: !tarball.isEmpty, "opt-in: set TOLLGATE_RELEASE_TARBALL to a scripts/release.sh tarball"))
    func onlyGlibcStaysDynamic() throws {
        let binary = try Self.unpack()
        defer { try? FileManager.default.removeItem(at: binary.deletingLastPathComponent().deletingLastPathComponent()) }
        let ldd = try Self.run(["/usr/bin/ldd", binary.path], in: binary.deletingLastPathComponent())
        let libraries: [String] = ldd.stdout.split(separator: "\n").compactMap { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { String($0) }
        }
        let glibc = ["linux-vdso.so.1", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1"]
        let others = libraries.filter { !glibc.contains($0) && !$0.contains("ld-linux") }
        #expect(!libraries.isEmpty && others.isEmpty, "dynamic libraries besides glibc: \(others)")
    }
}
