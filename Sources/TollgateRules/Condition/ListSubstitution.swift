/// Falco's textual list expansion (`rule_loader_compiler.cpp` `resolve_list`), done before
/// parsing: every occurrence of a list name delimited by the start or end of the text, a blank
/// or one of `(),=` is replaced by the list's items joined with `", "`; items holding a space
/// are wrapped in double quotes; an empty list swallows one adjacent comma. Lists are applied
/// in definition order, so text produced by one list can name a later list.
package struct ListSubstitution {
    /// Lists in definition order, items already expanded.
    package var lists: [(name: String, items: [String])]

    package init(lists: [(name: String, items: [String])]) {
        self.lists = lists
    }

    /// The substituted text, and the names of the lists that were used.
    package func apply(to text: ConditionText) -> (ConditionText, Set<String>) {
        var current = text
        var used: Set<String> = []
        var words = Self.delimitedWords(in: current.bytes)
        // A name holding a delimiter (`test list`, which Falco warns about but substitutes) is
        // never one word: look for its text instead.
        for list in lists where words.contains(list.name)
            || (list.name.utf8.contains(where: Self.isDelimiter) && current.bytes.contains(subsequence: Array(list.name.utf8))) {
            used.insert(list.name)
            current = substitute(list.name, with: list.items, in: current)
            words = Self.delimitedWords(in: current.bytes)
        }
        return (current, used)
    }

    /// Replacement text for a list's items.
    package static func joinedItems(_ items: [String]) -> String {
        items.map(quotedIfBlank).joined(separator: ", ")
    }

    /// Wraps an item holding a space in double quotes, unless it is already quoted.
    package static func quotedIfBlank(_ item: String) -> String {
        guard item.contains(" "), let first = item.first, first != "\"", first != "'" else { return item }
        return "\"\(item)\""
    }

    private func substitute(_ name: String, with items: [String], in text: ConditionText) -> ConditionText {
        let needle = Array(name.utf8)
        let replacement = Array(Self.joinedItems(items).utf8)
        let bytes = text.bytes
        var output = ConditionText(bytes: [], origins: [], fallback: text.fallback)
        output.bytes.reserveCapacity(bytes.count)
        var index = 0
        var copiedUpTo = 0
        while index + needle.count <= bytes.count {
            let matches = bytes[index..<(index + needle.count)].elementsEqual(needle)
            let delimitedBefore = index == 0 || Self.isDelimiter(bytes[index - 1])
            let end = index + needle.count
            let delimitedAfter = end == bytes.count || Self.isDelimiter(bytes[end])
            guard matches, delimitedBefore, delimitedAfter else {
                index += 1
                continue
            }
            var start = index
            var stop = end
            if items.isEmpty {
                var after = end
                while after < bytes.count, ConditionParser.isBlank(bytes[after]) { after += 1 }
                if after < bytes.count, bytes[after] == UInt8(ascii: ",") {
                    stop = after + 1
                } else {
                    var before = index
                    while before > copiedUpTo, ConditionParser.isBlank(bytes[before - 1]) { before -= 1 }
                    if before > copiedUpTo, bytes[before - 1] == UInt8(ascii: ",") { start = before - 1 }
                }
            }
            output.bytes += bytes[copiedUpTo..<start]
            output.origins += text.origins[copiedUpTo..<start]
            output.bytes += replacement
            output.origins += Array(repeating: text.location(at: index), count: replacement.count)
            copiedUpTo = stop
            index = stop
        }
        output.bytes += bytes[copiedUpTo...]
        output.origins += text.origins[copiedUpTo...]
        return output
    }

    static func isDelimiter(_ byte: UInt8) -> Bool {
        ConditionParser.isSpace(byte) || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
            || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=")
    }

    /// Every maximal run of non-delimiter bytes.
    static func delimitedWords(in bytes: [UInt8]) -> Set<String> {
        var words: Set<String> = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            if isDelimiter(byte) {
                if let s = start { words.insert(String(decoding: bytes[s..<index], as: UTF8.self)) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let s = start { words.insert(String(decoding: bytes[s...], as: UTF8.self)) }
        return words
    }
}

private extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
