import TollgateEvents

/// `fnmatch(pattern, value, flags)` over bytes with flags 0 or `FNM_CASEFOLD`: `*` matches any
/// run (including `/` and leading dots), `?` one byte, `[...]` a class with ranges and `!`/`^`
/// negation, `\` escapes the next byte.
///
/// Patterns made of literals and stars only (nearly all in rulesets: `*/.aws/credentials`,
/// `/home/*/.ssh/*`) match by their literal segments: an anchored prefix, an anchored suffix
/// and the middle segments found leftmost in order, which is exact for such patterns and
/// linear. Others use iterative single-star backtracking: O(n·m).
package struct GlobMatcher: Sendable {
    private enum Token: Sendable {
        case literal(UInt8)
        case any
        case star
        case set(negated: Bool, ranges: [ClosedRange<UInt8>])
    }

    private let tokens: [Token]
    private let caseFold: Bool
    /// The literal runs between stars, when the pattern has no `?` or class.
    private let segments: Segments?

    /// A star-and-literal pattern: `head*middle[0]*...*tail` (head/tail empty when the pattern
    /// starts/ends with a star; `starred` false for a pattern without any star).
    private struct Segments: Sendable {
        var head: [UInt8]
        var middle: [[UInt8]]
        /// Per middle segment, the index of the byte scanned for: the first that is not `/` or
        /// `.`, which every path is full of (`*/.aws/sso/cache/*` scans for the `a`).
        var anchors: [Int]
        var tail: [UInt8]
        var starred: Bool
    }

    package init(_ pattern: [UInt8], caseFold: Bool = false) {
        self.caseFold = caseFold
        var tokens: [Token] = []
        var i = 0
        while i < pattern.count {
            let byte = pattern[i]
            switch byte {
            case UInt8(ascii: "*"):
                if case .star? = tokens.last {} else { tokens.append(.star) }
                i += 1
            case UInt8(ascii: "?"):
                tokens.append(.any)
                i += 1
            case UInt8(ascii: "["):
                if let (set, next) = Self.parseSet(pattern, from: i + 1, caseFold: caseFold) {
                    tokens.append(set)
                    i = next
                } else {
                    tokens.append(.literal(byte))
                    i += 1
                }
            case UInt8(ascii: "\\") where i + 1 < pattern.count:
                tokens.append(.literal(caseFold ? Self.lower(pattern[i + 1]) : pattern[i + 1]))
                i += 2
            default:
                tokens.append(.literal(caseFold ? Self.lower(byte) : byte))
                i += 1
            }
        }
        self.tokens = tokens
        self.segments = Self.segments(tokens)
    }

    private static func segments(_ tokens: [Token]) -> Segments? {
        var runs: [[UInt8]] = [[]]
        for token in tokens {
            switch token {
            case .literal(let byte): runs[runs.count - 1].append(byte)
            case .star: runs.append([])
            case .any, .set: return nil
            }
        }
        if runs.count == 1 { return Segments(head: runs[0], middle: [], anchors: [], tail: [], starred: false) }
        let middle = runs.dropFirst().dropLast().filter { !$0.isEmpty }
        let anchors = middle.map(Self.anchor)
        return Segments(head: runs[0], middle: middle, anchors: anchors, tail: runs[runs.count - 1], starred: true)
    }

    /// The offset in a literal segment of the byte to scan for: the one least common in paths
    /// (`*/.aws/sso/cache/*` scans for the `w`), by a rough ranking of path bytes.
    static func anchor(_ segment: [UInt8]) -> Int {
        let common = Array("/.eatsoinlrcudbmphg-_0123456789fykvwxjzq".utf8)
        func rank(_ byte: UInt8) -> Int { common.firstIndex(of: byte) ?? common.count }
        var best = 0
        for (offset, byte) in segment.enumerated() where rank(byte) > rank(segment[best]) { best = offset }
        return best
    }

    private static func parseSet(_ p: [UInt8], from start: Int, caseFold: Bool) -> (Token, Int)? {
        var i = start
        var negated = false
        if i < p.count, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt8>] = []
        var first = true
        while i < p.count {
            var low = p[i]
            if low == UInt8(ascii: "]"), !first { return (.set(negated: negated, ranges: ranges), i + 1) }
            first = false
            if low == UInt8(ascii: "\\"), i + 1 < p.count {
                i += 1
                low = p[i]
            }
            var high = low
            if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                high = p[i + 2]
                i += 2
            }
            i += 1
            if low <= high {
                ranges.append(low...high)
                if caseFold {
                    ranges.append(lower(low)...max(lower(low), lower(high)))
                }
            }
        }
        return nil
    }

    private static func lower(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
    }

    private func matches(_ token: Token, _ byte: UInt8) -> Bool {
        switch token {
        case .literal(let l): return l == byte
        case .any: return true
        case .star: return false
        case .set(let negated, let ranges):
            return ranges.contains { $0.contains(byte) } != negated
        }
    }

    package func matches(_ value: ArraySlice<UInt8>) -> Bool { value.withUnsafeBufferPointer(matches) }

    package func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let segments else { return matchesByBacktracking(value) }
        return matches(segments, value)
    }

    package func matches(_ value: [UInt8]) -> Bool { matches(value[...]) }

    private func matches(_ pattern: Segments, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let head = pattern.head, tail = pattern.tail
        guard pattern.starred else { return value.count == head.count && equal(value, at: 0, head) }
        guard value.count >= head.count + tail.count, equal(value, at: 0, head),
            equal(value, at: value.count - tail.count, tail)
        else { return false }
        var start = head.count
        let end = value.count - tail.count
        for (segment, anchor) in zip(pattern.middle, pattern.anchors) {
            guard let found = firstOffset(of: segment, anchor: anchor, in: value, from: start, to: end) else { return false }
            start = found + segment.count
        }
        return true
    }

    @inline(__always)
    private func equal(_ value: UnsafeBufferPointer<UInt8>, at offset: Int, _ literal: [UInt8]) -> Bool {
        literal.withUnsafeBufferPointer { literal in
            var i = 0
            if caseFold {
                while i < literal.count, Self.lower(value[offset + i]) == literal[i] { i += 1 }
            } else {
                while i < literal.count, value[offset + i] == literal[i] { i += 1 }
            }
            return i == literal.count
        }
    }

    /// The leftmost offset in `start..<end` where `literal` occurs: a scan for its byte at
    /// `anchor`, then a comparison of the whole.
    private func firstOffset(of literal: [UInt8], anchor: Int, in value: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        let wanted = literal[anchor]
        let last = end - literal.count
        guard start <= last else { return nil }
        if caseFold {
            var offset = start
            while offset <= last {
                if Self.lower(value[offset + anchor]) == wanted, equal(value, at: offset, literal) { return offset }
                offset += 1
            }
            return nil
        }
        var found: Int?
        _ = ByteScan.forEach(wanted, in: value, from: start + anchor, to: last + anchor + 1) { index in
            guard equal(value, at: index - anchor, literal) else { return true }
            found = index - anchor
            return false
        }
        return found
    }

    /// The general matcher (any pattern), also the reference the segment matcher is tested against.
    package func matchesByBacktracking<C: RandomAccessCollection>(_ value: C) -> Bool where C.Element == UInt8, C.Index == Int {
        var t = 0
        var v = value.startIndex
        var starToken = -1
        var starValue = 0
        while v < value.endIndex {
            let byte = caseFold ? Self.lower(value[v]) : value[v]
            if t < tokens.count, case .star = tokens[t] {
                starToken = t
                starValue = v
                t += 1
            } else if t < tokens.count, matches(tokens[t], byte) {
                t += 1
                v += 1
            } else if starToken >= 0 {
                t = starToken + 1
                starValue += 1
                v = starValue
            } else {
                return false
            }
        }
        while t < tokens.count, case .star = tokens[t] { t += 1 }
        return t == tokens.count
    }
}
