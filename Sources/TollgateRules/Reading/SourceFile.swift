/// The text of one rules file with a line index, to turn byte offsets into line:column.
package struct SourceFile: Sendable {
    package let path: String
    package let text: String
    package let bytes: [UInt8]
    /// Byte offset of the first byte of each line.
    package let lineStarts: [Int]
    /// Whether each line is pure ASCII (columns are then byte offsets).
    private let asciiLines: [Bool]

    package init(path: String, text: String) {
        self.path = path
        self.text = text
        self.bytes = Array(text.utf8)
        var starts = [0]
        var ascii = [true]
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") {
                starts.append(index + 1)
                ascii.append(true)
            } else if byte >= 0x80 {
                ascii[ascii.count - 1] = false
            }
        }
        self.lineStarts = starts
        self.asciiLines = ascii
    }

    /// The location of a byte offset (clamped to the file).
    package func location(ofByte offset: Int) -> SourceLocation {
        let clamped = min(max(offset, 0), bytes.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        return SourceLocation(file: path, line: low + 1, column: clamped - lineStarts[low] + 1)
    }

    /// The byte offset of a libyaml mark (1-based line, column counted in Unicode scalars).
    package func byteOffset(line: Int, column: Int) -> Int {
        guard line >= 1, line <= lineStarts.count else { return bytes.count }
        var offset = lineStarts[line - 1]
        if asciiLines[line - 1] { return min(offset + column - 1, bytes.count) }
        var remaining = column - 1
        while remaining > 0, offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") {
            offset += 1
            // Skip UTF-8 continuation bytes so one scalar counts once.
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            remaining -= 1
        }
        return offset
    }

    package func location(line: Int, column: Int) -> SourceLocation {
        location(ofByte: byteOffset(line: line, column: column))
    }
}
