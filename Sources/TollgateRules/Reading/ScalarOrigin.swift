/// Maps each byte of a scalar's value back to a byte offset in its file.
///
/// YAML folds lines, strips indentation and resolves escapes, so the value is not a slice of
/// the file. The mapping aligns the value with the raw text greedily: each value byte is looked
/// up forward in the file (skipping the whitespace, line breaks and escape backslashes that
/// folding removed) within a small window; a byte that cannot be found keeps the previous
/// position. For plain and quoted scalars this is exact; for block scalars (`>`, `|`) it is
/// exact except for line breaks, which map to the end of the folded line.
package enum ScalarOrigin {
    package static func offsets(of scalar: YAMLScalar, in file: SourceFile) -> [Int] {
        let value = Array(scalar.string.utf8)
        let source = file.bytes
        var cursor = scalar.fileOffset
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            cursor += 1
        case .literal, .folded:
            // Content starts on the line after the block header.
            while cursor < source.count, source[cursor] != UInt8(ascii: "\n") { cursor += 1 }
            cursor += 1
        case .plain:
            break
        }
        var offsets: [Int] = []
        offsets.reserveCapacity(value.count)
        let window = 256
        for byte in value {
            var probe = cursor
            let end = min(source.count, cursor + window)
            while probe < end, source[probe] != byte { probe += 1 }
            if probe < end {
                offsets.append(probe)
                cursor = probe + 1
            } else {
                offsets.append(min(cursor, max(0, source.count - 1)))
            }
        }
        return offsets
    }
}
