import Foundation
import Testing

/// Compares rendered reports with files under `Golden/`, byte for byte.
/// `TOLLGATE_UPDATE_GOLDEN=1 swift test ...` rewrites them instead (then review the diff).
enum GoldenFile {
    static let folder: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var updating: Bool { ProcessInfo.processInfo.environment["TOLLGATE_UPDATE_GOLDEN"] == "1" }

    static func check(_ actual: String, against name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            print("golden: rewrote \(url.path)")
            return
        }
        guard let expected = try? Data(contentsOf: url) else {
            Issue.record("golden file \(url.path) is missing; run with TOLLGATE_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        if expected != Data(actual.utf8) {
            let expectedLines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
            let line = firstDifference?.offset ?? min(expectedLines.count, actualLines.count)
            Issue.record(
                """
                \(name) differs from its golden file at line \(line + 1):
                  golden: \(line < expectedLines.count ? String(expectedLines[line]) : "<end of file>")
                  actual: \(line < actualLines.count ? String(actualLines[line]) : "<end of file>")
                """, sourceLocation: sourceLocation)
        }
    }
}
