import TollgateEvents

/// `pmatch`: path-prefix matching component by component (libs `prefix_search.h`).
/// `/tmp/hello` matches `/tmp/hello` and `/tmp/hello/x` but not `/tmp/hello_world`; pattern
/// components holding `?*[` are matched with fnmatch, one component at a time.
package struct PathPrefixSet: Sendable {
    private final class Node: @unchecked Sendable {
        var children: [ByteString: Node] = [:]
        var wildcards: [(GlobMatcher, Node)] = []
        var terminal = false
    }

    private let root = Node()
    /// No pattern has a wildcard component: at most one node matches each prefix.
    private let literalOnly: Bool

    package init(_ patterns: [[UInt8]]) {
        var literalOnly = true
        for pattern in patterns {
            var node = root
            for component in Self.components(pattern) {
                if component.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }) {
                    let next = Node()
                    node.wildcards.append((GlobMatcher(component), next))
                    node = next
                    literalOnly = false
                } else if let next = node.children[ByteString(component)] {
                    node = next
                } else {
                    let next = Node()
                    node.children[ByteString(component)] = next
                    node = next
                }
            }
            node.terminal = true
        }
        self.literalOnly = literalOnly
    }

    static func components<C: Collection>(_ path: C) -> [[UInt8]] where C.Element == UInt8 {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    package func matches(_ path: ArraySlice<UInt8>) -> Bool {
        if root.terminal { return true }
        guard literalOnly else { return matchesWithWildcards(path) }
        // One path through the trie, component by component, without building arrays.
        var node = root
        var start = path.startIndex
        while start < path.endIndex {
            if path[start] == UInt8(ascii: "/") {
                start += 1
                continue
            }
            var end = start
            while end < path.endIndex, path[end] != UInt8(ascii: "/") { end += 1 }
            guard let child = node.children[ByteString(path[start..<end])] else { return false }
            if child.terminal { return true }
            node = child
            start = end
        }
        return false
    }

    package func matches(_ path: [UInt8]) -> Bool { matches(path[...]) }

    private func matchesWithWildcards(_ path: ArraySlice<UInt8>) -> Bool {
        let parts = Self.components(path)
        var frontier: [Node] = [root]
        for part in parts {
            var next: [Node] = []
            for node in frontier {
                if let child = node.children[ByteString(part)] {
                    if child.terminal { return true }
                    next.append(child)
                }
                for (glob, child) in node.wildcards where glob.matches(part) {
                    if child.terminal { return true }
                    next.append(child)
                }
            }
            if next.isEmpty { return false }
            frontier = next
        }
        return false
    }
}
