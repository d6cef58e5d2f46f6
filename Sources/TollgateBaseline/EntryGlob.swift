/// Matching of baseline entries: `*` stands for any run of characters but `/` (one name, as
/// every `*` the normaliser writes), `**` for any run including `/` (a whole subtree); every
/// other character is literal. So a normalised hash or temp name never widens into a path.
enum EntryGlob {
    static func matches(_ pattern: String, _ entry: String) -> Bool {
        let pattern = Array(pattern.utf8), text = Array(entry.utf8)
        let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
        // reachable[j]: the pattern so far can consume text[0..<j].
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        var index = 0
        while index < pattern.count {
            var next = [Bool](repeating: false, count: text.count + 1)
            if pattern[index] == star {
                let crossesFolders = index + 1 < pattern.count && pattern[index + 1] == star
                index += crossesFolders ? 2 : 1
                var open = false
                for j in 0...text.count {
                    if reachable[j] { open = true }
                    next[j] = open
                    if j < text.count, !crossesFolders, text[j] == slash { open = false }
                }
            } else {
                for j in 0..<text.count where reachable[j] && text[j] == pattern[index] { next[j + 1] = true }
                index += 1
            }
            reachable = next
        }
        return reachable[text.count]
    }
}
