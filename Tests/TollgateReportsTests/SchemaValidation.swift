import Foundation
import Testing

/// Runs `scripts/validate-reports` (python3 jsonschema for SARIF, xmllint for JUnit) on report
/// files, against `../shared/schemas` next to the repository, as in CI.
enum SchemaValidation {
    /// The repository root: the nearest folder above this file holding Package.swift.
    static let repositoryRoot: URL? = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: folder.appendingPathComponent("scripts/validate-reports").path) {
                return folder
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }()

    /// `../shared/schemas` relative to the repository root, when present.
    static let schemaFolder: URL? = {
        guard let root = repositoryRoot else { return nil }
        let folder = root.deletingLastPathComponent().appendingPathComponent("shared/schemas")
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("sarif-schema-2.1.0.json").path) ? folder : nil
    }()

    static var available: Bool {
        if schemaFolder == nil { print("skipped schema validation: ../shared/schemas is not next to the repository") }
        return schemaFolder != nil
    }

    /// Writes each text to a temporary file with its name, validates them all, and records an
    /// issue with the validator's output if any is invalid.
    static func validate(_ files: [(name: String, text: String)], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let schemaFolder, let root = repositoryRoot else { return }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tollgate-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for file in files {
            let url = folder.appendingPathComponent(file.name)
            try Data(file.text.utf8).write(to: url)
            paths.append(url.path)
        }
        let (status, output) = try run(root.appendingPathComponent("scripts/validate-reports").path, ["--schemas", schemaFolder.path] + paths)
        #expect(status == 0, "schema validation failed (status \(status)):\n\(output)", sourceLocation: sourceLocation)
    }

    /// Runs the validator on files that exist already (the shared examples).
    static func validateExisting(_ paths: [String]) throws -> (status: Int32, output: String) {
        guard let schemaFolder, let root = repositoryRoot else { return (0, "") }
        return try run(root.appendingPathComponent("scripts/validate-reports").path, ["--schemas", schemaFolder.path] + paths)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
