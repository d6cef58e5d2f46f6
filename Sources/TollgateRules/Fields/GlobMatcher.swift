/// `fnmatch(pattern, value, flags)` over bytes with flags 0 or `FNM_CASEFOLD`: `*` matches any
/// run (including `/` and leading dots), `?` one byte, `[...]` a class with ranges and `!`/`^`
/// negation, `\` escapes the next byte. Iterative with single-star backtracking: O(n·m).
package struct GlobMatcher: Sendable {
    private enum Token: Sendable {
        case literal(UInt8)
        case any
        case star
        case set(negated: Bool, ranges: [ClosedRange<UInt8>])
    }

    private let tokens: [Token]
    private let caseFold: Bool

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

    package func matches<C: RandomAccessCollection>(_ value: C) -> Bool where C.Element == UInt8, C.Index == Int {
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
