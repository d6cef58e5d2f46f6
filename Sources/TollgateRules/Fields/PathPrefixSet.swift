import TollgateEvents

/// `pmatch`: path-prefix matching component by component (libs `prefix_search.h`).
/// `/tmp/hello` matches `/tmp/hello` and `/tmp/hello/x` but not `/tmp/hello_world`; pattern
/// components holding `?*[` are matched with fnmatch, one component at a time.
package struct PathPrefixSet: Sendable {
    private final class Node: @unchecked Sendable {
        /// Literal components, while building.
        var children: [[UInt8]: Node] = [:]
        var wildcards: [(GlobMatcher, Node)] = []
        var terminal = false
        /// `children` for lookups by borrowed bytes: the keys, and the nodes in the keys' order.
        var childKeys = ByteStringSet([])
        var childNodes: [Node] = []

        func freeze() {
            childKeys = ByteStringSet(Array(children.keys))
            childNodes = childKeys.members.compactMap { children[$0] }
            for node in childNodes { node.freeze() }
            for (_, node) in wildcards { node.freeze() }
        }

        func child(_ component: UnsafeBufferPointer<UInt8>) -> Node? {
            childKeys.index(of: component).map { childNodes[$0] }
        }
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
                } else if let next = node.children[component] {
                    node = next
                } else {
                    let next = Node()
                    node.children[component] = next
                    node = next
                }
            }
            node.terminal = true
        }
        root.freeze()
        self.literalOnly = literalOnly
    }

    static func components<C: Collection>(_ path: C) -> [[UInt8]] where C.Element == UInt8 {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    package func matches(_ path: [UInt8]) -> Bool { path.withUnsafeBufferPointer(matches) }

    package func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        if root.terminal { return true }
        guard literalOnly else { return matchesWithWildcards(path) }
        // One path through the trie, component by component, without building arrays.
        var node = root
        var found = false
        Self.forEachComponent(path) { component in
            guard let child = node.child(component) else { return false }
            if child.terminal {
                found = true
                return false
            }
            node = child
            return true
        }
        return found
    }

    /// Calls `body` on each non-empty `/`-separated component until it returns false.
    private static func forEachComponent(_ path: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var start = 0
        while start < path.count {
            if path[start] == UInt8(ascii: "/") {
                start += 1
                continue
            }
            var end = start
            while end < path.count, path[end] != UInt8(ascii: "/") { end += 1 }
            guard body(UnsafeBufferPointer(rebasing: path[start..<end])) else { return }
            start = end
        }
    }

    private func matchesWithWildcards(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var frontier: [Node] = [root]
        var found = false
        Self.forEachComponent(path) { part in
            var next: [Node] = []
            for node in frontier {
                if let child = node.child(part) {
                    if child.terminal {
                        found = true
                        return false
                    }
                    next.append(child)
                }
                for (glob, child) in node.wildcards where glob.matches(part) {
                    if child.terminal {
                        found = true
                        return false
                    }
                    next.append(child)
                }
            }
            frontier = next
            return !next.isEmpty
        }
        return found
    }
}
