/// "Did you mean" hints from the Levenshtein distance between names.
package enum Suggestion {
    /// The closest candidate within a distance that scales with the name's length, if any.
    package static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(name.utf8)
        let limit = max(2, target.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let bytes = Array(candidate.utf8)
            if abs(bytes.count - target.count) > limit { continue }
            let distance = levenshtein(target, bytes)
            if distance <= limit, distance < (best?.1 ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    /// `; did you mean 'x'?` or the empty string.
    package static func hint(for name: String, in candidates: some Sequence<String>) -> String {
        guard let match = closest(to: name, in: candidates), match != name else { return "" }
        return "; did you mean '\(match)'?"
    }

    package static func levenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
