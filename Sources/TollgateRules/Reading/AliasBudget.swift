// libyaml itself, as bundled by Yams (its `CYaml` target, which SwiftPM makes visible to
// every module that depends on Yams): its event stream is the only view of a file's aliases
// that exists before Yams' composer hashes them.
import CYaml

/// Rejects YAML whose aliases expand to more nodes than a budget ("billion laughs"), before
/// Yams composes it.
///
/// Yams shares an aliased node, but its composer hashes every mapping key in full (an alias
/// bomb used as a key takes minutes) and our conversion copies every alias. This pass reads
/// libyaml's events once, counting the nodes each anchor holds once composed and the nodes
/// aliases copy, and stops at the alias whose copies exceed the budget.
enum AliasBudget {
    /// Nodes the aliases of a file may copy: room for any sane reuse of anchors (an exception
    /// list shared by every rule of a ruleset), and one a byte in big files. A copied node
    /// costs about 110 bytes once converted, so a 324-byte bomb stops at ~11 MB.
    static func limit(forBytes count: Int) -> Int { max(100_000, count) }

    static func check(_ file: SourceFile) -> YAMLTreeReader.ParseFailure? {
        guard file.bytes.contains(UInt8(ascii: "*")) else { return nil }
        let limit = limit(forBytes: file.bytes.count)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return file.bytes.withUnsafeBufferPointer { buffer -> YAMLTreeReader.ParseFailure? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // Yams keeps anchors across documents, so this does too.
            var anchored: [String: Int] = [:]
            // The node count when each open collection started, and its anchor.
            var open: [(start: Int, anchor: String?)] = []
            var nodes = 0
            var copied = 0
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    nodes += 1
                    if let anchor = string(event.data.scalar.anchor) { anchored[anchor] = 1 }
                case YAML_SEQUENCE_START_EVENT:
                    nodes += 1
                    open.append((nodes, string(event.data.sequence_start.anchor)))
                case YAML_MAPPING_START_EVENT:
                    nodes += 1
                    open.append((nodes, string(event.data.mapping_start.anchor)))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let collection = open.popLast(), let anchor = collection.anchor {
                        anchored[anchor] = nodes - collection.start + 1
                    }
                case YAML_ALIAS_EVENT:
                    // An undefined alias counts one; Yams reports it.
                    let size = string(event.data.alias.anchor).flatMap { anchored[$0] } ?? 1
                    nodes += size
                    copied += size
                    if copied > limit {
                        let mark = event.start_mark
                        return YAMLTreeReader.ParseFailure(
                            message: "YAML error: aliases expand to more than \(limit) nodes (an alias bomb?)",
                            location: file.location(line: Int(mark.line) + 1, column: Int(mark.column) + 1))
                    }
                default:
                    break
                }
            }
            // A syntax error: Yams reads the file again and reports it.
            return nil
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
