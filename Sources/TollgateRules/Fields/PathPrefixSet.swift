/// `pmatch`: path-prefix matching component by component (libs `prefix_search.h`).
/// `/tmp/hello` matches `/tmp/hello` and `/tmp/hello/x` but not `/tmp/hello_world`; pattern
/// components holding `?*[` are matched with fnmatch, one component at a time.
package struct PathPrefixSet: Sendable {
    private final class Node: @unchecked Sendable {
        var children: [[UInt8]: Node] = [:]
        var wildcards: [(GlobMatcher, Node)] = []
        var terminal = false
    }

    private let root = Node()

    package init(_ patterns: [[UInt8]]) {
        for pattern in patterns {
            var node = root
            for component in Self.components(pattern) {
                if component.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }) {
                    let next = Node()
                    node.wildcards.append((GlobMatcher(component), next))
                    node = next
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
    }

    static func components<C: Collection>(_ path: C) -> [[UInt8]] where C.Element == UInt8 {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    package func matches<C: Collection>(_ path: C) -> Bool where C.Element == UInt8 {
        let parts = Self.components(path)
        var frontier: [Node] = [root]
        if root.terminal { return true }
        for part in parts {
            var next: [Node] = []
            for node in frontier {
                if let child = node.children[part] {
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
