/// Joins argv into one command line a POSIX shell would split back into the same words.
package enum ShellQuoting {
    package static func commandLine(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }

    package static func quote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ",", ":", "=", "+", "@", "%": return true
            default: return false
            }
        }
        return safe && !word.isEmpty ? word : singleQuoted(word)
    }

    /// `word` as one single-quoted shell word, whatever it holds.
    package static func singleQuoted(_ word: String) -> String {
        "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
