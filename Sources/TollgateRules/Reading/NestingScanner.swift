/// A cheap pre-scan that rejects absurdly nested YAML before Yams recurses into it.
///
/// It counts flow nesting (`[` `{` outside quotes and comments) and block nesting (indentation
/// levels of lines that start a sequence entry or a key, plus `- - -` chains on one line). It
/// over-approximates only for odd text inside block scalars, and real rules files stay far below
/// the limit.
enum NestingScanner {
    static func check(_ file: SourceFile, limit: Int) -> YAMLTreeReader.ParseFailure? {
        let bytes = file.bytes
        var flowDepth = 0
        var indentStack: [Int] = []
        var index = 0
        var atLineStart = true
        while index < bytes.count {
            if atLineStart {
                atLineStart = false
                var column = 0
                while index + column < bytes.count, bytes[index + column] == UInt8(ascii: " ") { column += 1 }
                let start = index + column
                if flowDepth == 0, start < bytes.count, bytes[start] != UInt8(ascii: "\n"), bytes[start] != UInt8(ascii: "#") {
                    while let last = indentStack.last, last >= column { indentStack.removeLast() }
                    indentStack.append(column)
                    var dashes = 0
                    var cursor = start
                    while cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "-"), bytes[cursor + 1] == UInt8(ascii: " ") {
                        dashes += 1
                        cursor += 2
                        while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
                    }
                    if indentStack.count + max(0, dashes - 1) > limit {
                        return failure(file, at: start, limit: limit)
                    }
                }
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                atLineStart = true
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                // Skip a quoted run on this line (multi-line quoted scalars are rare here).
                var cursor = index + 1
                while cursor < bytes.count, bytes[cursor] != byte, bytes[cursor] != UInt8(ascii: "\n") {
                    if byte == UInt8(ascii: "\""), bytes[cursor] == UInt8(ascii: "\\") { cursor += 1 }
                    cursor += 1
                }
                index = cursor
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flowDepth += 1
                if flowDepth + indentStack.count > limit { return failure(file, at: index, limit: limit) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flowDepth = max(0, flowDepth - 1)
            default:
                break
            }
            index += 1
        }
        return nil
    }

    private static func failure(_ file: SourceFile, at offset: Int, limit: Int) -> YAMLTreeReader.ParseFailure {
        YAMLTreeReader.ParseFailure(
            message: "YAML nesting is deeper than \(limit) levels", location: file.location(ofByte: offset))
    }
}
