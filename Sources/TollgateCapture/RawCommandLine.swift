import Foundation

/// The gate's own argv and environment as bytes: a job's arguments and environment pass
/// through exactly, also when they are not UTF-8 (Swift's `String`s would replace such bytes).
package enum RawCommandLine {
    /// The arguments after the first `--`, as given; nil when there is no `--`.
    package static func afterTerminator() -> [[UInt8]]? {
        let arguments = (0..<Int(CommandLine.argc)).map { index -> [UInt8] in
            guard let argument = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self), count: strlen(argument)))
        }
        guard let terminator = arguments.firstIndex(of: Array("--".utf8)) else { return nil }
        return Array(arguments[(terminator + 1)...])
    }

    /// The job `command` in this process's environment and working directory. `typed`: the
    /// command is what followed this process's `--`, so its arguments keep their exact bytes.
    package static func job(_ command: [String], typed: Bool = true) -> JobSpec {
        JobSpec(arguments: (typed ? afterTerminator() : nil) ?? command.map { Array($0.utf8) },
                environmentEntries: environment(), workingDirectory: FileManager.default.currentDirectoryPath)
    }

    /// `NAME=value` entries of this process's environment, in order.
    package static func environment() -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(Array(UnsafeBufferPointer(start: UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), count: strlen(entry))))
            cursor += 1
        }
        return entries
    }
}
