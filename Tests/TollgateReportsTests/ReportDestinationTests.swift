import Foundation
import Testing
@testable import TollgateReports

/// Report paths that are not regular files: never replaced, written into or refused.
@Suite("Report destinations")
struct ReportDestinationTests {
    static func fileType(_ path: String) -> mode_t {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    @Test("a symlink's target is replaced and the link stays a link, relative, absolute or dangling")
    func symlinks() throws {
        let folder = try AtomicFileTests.scratchFolder()
        try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/target.sarif"))
        #expect(symlink("target.sarif", folder + "/relative.sarif") == 0)
        #expect(symlink(folder + "/relative.sarif", folder + "/absolute.sarif") == 0)
        #expect(symlink("made-by-report.sarif", folder + "/dangling.sarif") == 0)
        try AtomicFile.write("new", to: folder + "/absolute.sarif")
        #expect(try String(contentsOfFile: folder + "/target.sarif", encoding: .utf8) == "new")
        #expect(Self.fileType(folder + "/absolute.sarif") == S_IFLNK)
        #expect(Self.fileType(folder + "/relative.sarif") == S_IFLNK)
        try AtomicFile.write("fresh", to: folder + "/dangling.sarif")
        #expect(try String(contentsOfFile: folder + "/made-by-report.sarif", encoding: .utf8) == "fresh")
        #expect(Self.fileType(folder + "/dangling.sarif") == S_IFLNK)
        try AtomicFile.append(" more", to: folder + "/dangling.sarif")
        #expect(try String(contentsOfFile: folder + "/made-by-report.sarif", encoding: .utf8) == "fresh more")
    }

    @Test("a symlink loop is an error, not a hang")
    func loop() throws {
        let folder = try AtomicFileTests.scratchFolder()
        #expect(symlink("b", folder + "/a") == 0)
        #expect(symlink("a", folder + "/b") == 0)
        #expect(throws: ReportWriteError.self) { try AtomicFile.write("x", to: folder + "/a") }
    }

    @Test("/dev/null is written into and stays a character device")
    func devNull() throws {
        try AtomicFile.write("discarded", to: "/dev/null")
        try AtomicFile.append("discarded", to: "/dev/null")
        #expect(Self.fileType("/dev/null") == S_IFCHR)
    }

    @Test("/dev/full fails with its reason and stays a character device")
    func devFull() throws {
        let error = #expect(throws: ReportWriteError.self) { try AtomicFile.write("x", to: "/dev/full") }
        #expect(error?.reason == "No space left on device")
        #expect(Self.fileType("/dev/full") == S_IFCHR)
    }

    @Test("a FIFO with a reader receives the report and stays a FIFO; without one it is an error")
    func fifo() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/report.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        let unread = #expect(throws: ReportWriteError.self) { try AtomicFile.write("x", to: path) }
        #expect(unread?.reason == "no process is reading this FIFO")
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write("through the fifo", to: path)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer[..<max(0, count)], as: UTF8.self) == "through the fifo")
        #expect(Self.fileType(path) == S_IFIFO)
        #expect(AtomicFileTests.entries(folder) == ["report.fifo"])
    }

    @Test("a listening unix socket receives the report")
    func unixSocket() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/report.sock"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(listen(listener, 1) == 0)
        try AtomicFile.write("over the socket", to: path)
        let connection = accept(listener, nil, nil)
        #expect(connection >= 0)
        defer { close(connection) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(connection, &buffer, buffer.count)
        #expect(String(decoding: buffer[..<max(0, count)], as: UTF8.self) == "over the socket")
        #expect(Self.fileType(path) == S_IFSOCK)
    }

    @Test("a descriptor link (/dev/stdout) to a regular file appends to that open file, never replaces it")
    func descriptorLink() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/stdout.txt"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(write(fd, "job output\n", 11) == 11)
        var before = stat()
        #expect(stat(path, &before) == 0)
        try AtomicFile.write("report\n", to: "/proc/self/fd/\(fd)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "job output\nreport\n")
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino, "the same file, not a replacement")
    }

    @Test("a block device is refused")
    func blockDevice() throws {
        guard let device = ["/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/loop0"].first(where: { Self.fileType($0) == S_IFBLK }) else {
            print("skipped: no block device node found")
            return
        }
        let error = #expect(throws: ReportWriteError.self) { try AtomicFile.write("x", to: device) }
        #expect(error?.reason.contains("block device") == true)
    }
}

/// Hostile report paths a job can plant or hold: never followed into files the gate does not
/// own, never a hang, never a signal that kills the gate.
@Suite("Hostile report destinations")
struct HostileReportDestinationTests {
    @Test("a symlink owned by another user is replaced, not followed, and its target is not read",
          .enabled(if: getuid() == 0, "needs root to own a symlink as another user"))
    func untrustedSymlink() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let victim = folder + "/victim"
        try Data("private\n".utf8).write(to: URL(fileURLWithPath: victim))
        chmod(victim, 0o600)
        for name in ["r.sarif", "step.md"] {
            #expect(symlink(victim, folder + "/" + name) == 0)
            #expect(lchown(folder + "/" + name, 65534, 65534) == 0)
        }
        try AtomicFile.write("report\n", to: folder + "/r.sarif")
        try AtomicFile.append("summary\n", to: folder + "/step.md")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "private\n")
        var status = stat()
        #expect(stat(victim, &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: folder + "/r.sarif", encoding: .utf8) == "report\n")
        #expect(try String(contentsOfFile: folder + "/step.md", encoding: .utf8) == "summary\n", "the victim's text was not copied in")
        #expect(ReportDestinationTests.fileType(folder + "/r.sarif") == S_IFREG)
    }

    @Test("a replaced report keeps its permissions")
    func keepsMode() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/private.sarif"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        try AtomicFile.write("new", to: path)
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    @Test("a FIFO whose reader stops reading is an error after the timeout, not a hang")
    func stalledReader() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/stalled.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let big = String(repeating: "x", count: 1 << 20)
        let error = #expect(throws: ReportWriteError.self) { try AtomicFile.write(big, to: path, streamTimeout: .milliseconds(300)) }
        #expect(error?.reason.hasPrefix("nothing read it for") == true, "\(String(describing: error))")
    }

    @Test("a FIFO whose reader goes away is EPIPE, not a SIGPIPE that kills the gate")
    func brokenPipe() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/broken.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        // The reader never reads and goes away while the writer waits for room.
        let closer = Thread { usleep(200_000); close(reader) }
        closer.start()
        let big = String(repeating: "x", count: 1 << 20)
        let error = #expect(throws: ReportWriteError.self) { try AtomicFile.write(big, to: path) }
        #expect(error?.reason == "Broken pipe", "\(String(describing: error))")
    }

    @Test("appending to a huge file is refused, not copied")
    func hugeAppend() throws {
        let folder = try AtomicFileTests.scratchFolder()
        let path = folder + "/huge.md"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, off_t(AtomicFile.maximumAppendedFileSize + 1)) == 0)
        let error = #expect(throws: ReportWriteError.self) { try AtomicFile.append("x", to: path) }
        #expect(error?.reason.contains("larger than") == true)
    }
}
