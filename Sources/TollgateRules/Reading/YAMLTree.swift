import Yams

/// A YAML node with every scalar kept as a string and every node's position in its file.
package indirect enum YAMLValue: Sendable {
    case null(SourceLocation)
    case scalar(YAMLScalar)
    case sequence([YAMLValue], SourceLocation)
    case mapping([YAMLEntry], SourceLocation)

    package var location: SourceLocation {
        switch self {
        case .null(let location), .sequence(_, let location), .mapping(_, let location):
            return location
        case .scalar(let scalar):
            return scalar.location
        }
    }

    /// A short noun for messages ("a sequence").
    package var kindName: String {
        switch self {
        case .null: return "null"
        case .scalar: return "a scalar"
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        }
    }

    package var scalar: YAMLScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }
}

/// A scalar with its text origin, so positions inside it (a condition) map back to the file.
package struct YAMLScalar: Sendable {
    package var string: String
    package var location: SourceLocation
    /// Byte offset of the scalar's first token byte (a quote or block indicator included).
    package var fileOffset: Int
    package var style: Style

    package enum Style: Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }
}

package struct YAMLEntry: Sendable {
    package var key: String
    package var keyLocation: SourceLocation
    package var value: YAMLValue
}

/// Reads YAML documents from a rules file with Yams, keeping every scalar a string.
package enum YAMLTreeReader {
    /// Deepest flow or block nesting accepted before handing text to Yams, whose composer
    /// recurses once per level (kept well inside a 512 KiB thread stack).
    package static let maximumNesting = 64

    package struct ParseFailure: Error, Sendable {
        package var message: String
        package var location: SourceLocation
    }

    /// The documents read before the first error, and that error if any.
    package static func read(_ file: SourceFile) -> (documents: [YAMLValue], failure: ParseFailure?) {
        if let failure = NestingScanner.check(file, limit: maximumNesting) ?? AliasBudget.check(file) {
            return ([], failure)
        }
        var documents: [YAMLValue] = []
        do {
            let parser = try Parser(yaml: file.text, resolver: .basic, constructor: .default)
            while let root = try parser.nextRoot() {
                documents.append(convert(root, in: file))
            }
        } catch let error as YamlError {
            return (documents, failure(from: error, in: file))
        } catch {
            return (documents, ParseFailure(message: "\(error)", location: file.location(ofByte: 0)))
        }
        return (documents, nil)
    }

    private static func failure(from error: YamlError, in file: SourceFile) -> ParseFailure {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " \($0.text)" } ?? ""
            return ParseFailure(
                message: "YAML error: \(problem)\(while_)",
                location: file.location(line: mark.line, column: mark.column))
        case .reader(let problem, let offset, _, _):
            let location = file.location(ofByte: offset.map { file.text.utf8.count > 0 ? min($0, file.bytes.count) : 0 } ?? 0)
            return ParseFailure(message: "YAML error: \(problem)", location: location)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ParseFailure(
                message: "YAML error: duplicated key(s) \(duplicates.map { "'\($0)'" }.joined(separator: ", "))",
                location: file.location(line: context.mark.line, column: context.mark.column))
        default:
            return ParseFailure(message: "YAML error: \(error)", location: file.location(ofByte: 0))
        }
    }

    private static func convert(_ node: Node, in file: SourceFile) -> YAMLValue {
        switch node {
        case .scalar(let scalar):
            let offset = scalar.mark.map { file.byteOffset(line: $0.line, column: $0.column) } ?? 0
            let location = file.location(ofByte: offset)
            let style: YAMLScalar.Style
            switch scalar.style {
            case .singleQuoted: style = .singleQuoted
            case .doubleQuoted: style = .doubleQuoted
            case .literal: style = .literal
            case .folded: style = .folded
            default: style = .plain
            }
            if style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return .null(location)
            }
            return .scalar(YAMLScalar(string: scalar.string, location: location, fileOffset: offset, style: style))
        case .sequence(let sequence):
            let location = sequence.mark.map { file.location(line: $0.line, column: $0.column) } ?? file.location(ofByte: 0)
            return .sequence(sequence.map { convert($0, in: file) }, location)
        case .mapping(let mapping):
            let location = mapping.mark.map { file.location(line: $0.line, column: $0.column) } ?? file.location(ofByte: 0)
            let entries = mapping.map { pair -> YAMLEntry in
                let keyValue = convert(pair.key, in: file)
                let key: String
                switch keyValue {
                case .scalar(let scalar): key = scalar.string
                case .null: key = ""
                default: key = "<\(keyValue.kindName)>"
                }
                return YAMLEntry(key: key, keyLocation: keyValue.location, value: convert(pair.value, in: file))
            }
            return .mapping(entries, location)
        case .alias:
            // Yams' composer resolves an alias to its anchored node (as yaml-cpp does for
            // Falco); it never yields `.alias`.
            return .null(file.location(ofByte: 0))
        }
    }
}
