import TollgateEvents

/// A rule's `output` compiled once: literal text and `%field` values (`<NA>` when unknown).
///
/// A `%` token is the longest text after it (after an optional width, `%20proc.name`) that
/// parses and compiles as a field or transformer, so `%proc.name)` and `%fd.name,` work.
package struct CompiledOutput: Sendable {
    package enum Segment: Sendable {
        case text(String)
        case field(TypedAccessor, width: Int?)
    }

    package let template: String
    package let segments: [Segment]
    /// The fields in order of first appearance (names as written).
    package let fields: [TypedAccessor]

    package struct Failure: Error, Sendable {
        package var message: String
        package var code: LoadCode
        /// Byte offset of the offending `%` in the template.
        package var offset: Int = 0
    }

    package static func compile(_ template: String, compiler: inout ConditionCompiler) throws(Failure) -> CompiledOutput {
        let bytes = Array(template.utf8)
        var segments: [Segment] = []
        var fields: [TypedAccessor] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { segments.append(.text(String(decoding: literal, as: UTF8.self))) }
            literal = []
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                literal.append(bytes[index])
                index += 1
                continue
            }
            var cursor = index + 1
            var width: Int?
            while cursor < bytes.count, ConditionParser.isDigit(bytes[cursor]) {
                width = (width ?? 0) * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            guard cursor < bytes.count else {
                throw Failure(message: "invalid output format: '\(String(decoding: bytes[index...], as: UTF8.self))' at the end is not followed by a field",
                              code: .compileOutput, offset: index)
            }
            let (accessor, length): (TypedAccessor, Int)
            do {
                (accessor, length) = try longestField(bytes, from: cursor, compiler: &compiler)
            } catch {
                throw Failure(message: error.message, code: error.code, offset: index)
            }
            if accessor.name == "container.info" {
                index = cursor + length
                continue
            }
            if accessor.flags.contains(.filterOnly) {
                throw Failure(message: "field '\(accessor.name)' can only be used in conditions, not in outputs", code: .compileOutput, offset: index)
            }
            flush()
            segments.append(.field(accessor, width: width))
            if !fields.contains(where: { $0.name == accessor.name }) { fields.append(accessor) }
            index = cursor + length
        }
        flush()
        return CompiledOutput(template: template, segments: segments, fields: fields)
    }

    /// The longest prefix from `start` that parses and compiles as a field or transformer.
    private static func longestField(_ bytes: [UInt8], from start: Int, compiler: inout ConditionCompiler) throws(Failure) -> (TypedAccessor, Int) {
        var end = start
        while end < bytes.count, !ConditionParser.isSpace(bytes[end]), bytes[end] != UInt8(ascii: "%") { end += 1 }
        var firstError: String?
        var length = end - start
        while length > 0 {
            let candidate = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
            if case .success(.unary(let operand, .exists, let location)) = ConditionParser.parse(candidate + " exists") {
                if case .field("container.info", nil) = operand {
                    return (TypedAccessor(.string { _ in nil }, type: .charbuf, name: "container.info", flags: []), length)
                }
                do {
                    return (try compiler.typedAccessor(operand, at: location), length)
                } catch {
                    if firstError == nil { firstError = error.message }
                }
            }
            length -= 1
        }
        let token = String(decoding: bytes[start..<end], as: UTF8.self)
        throw Failure(message: firstError.map { "invalid output field: \($0)" } ?? "invalid formatting token '\(token)'", code: .compileOutput)
    }

    /// Renders the output for an event.
    package func render(_ event: Event) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .text(let text):
                result += text
            case .field(let accessor, let width):
                var value = accessor.kind.render(event) ?? "<NA>"
                if let width {
                    if value.count > width { value = String(value.prefix(width)) } else { value += String(repeating: " ", count: width - value.count) }
                }
                result += value
            }
        }
        return result
    }

    /// Every output field's value, in order (nil when unknown).
    package func fieldValues(_ event: Event) -> [OutputField] {
        fields.map { OutputField(name: $0.name, value: $0.kind.render(event)) }
    }
}
