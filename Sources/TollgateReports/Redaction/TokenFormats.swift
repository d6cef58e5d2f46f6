/// Well-known credential formats, found in text without knowing the value: GitHub, GitLab, AWS
/// access key ids, Slack, npm and PyPI tokens. Each is a fixed prefix followed by a run of the
/// format's alphabet of at least a minimum length.
enum TokenFormats {
    struct Format {
        let prefix: [UInt8]
        let minimumBodyLength: Int
        /// Longest body the format has; longer runs are not this token (AWS ids are exact).
        let maximumBodyLength: Int
        let alphabet: Alphabet
    }

    enum Alphabet {
        /// `[A-Za-z0-9]`
        case alphanumeric
        /// `[A-Za-z0-9_-]`
        case urlSafe
        /// `[A-Z0-9]`
        case upperAlphanumeric

        func contains(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return true
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return self != .upperAlphanumeric
            case UInt8(ascii: "_"), UInt8(ascii: "-"): return self == .urlSafe
            default: return false
            }
        }
    }

    static let all: [Format] = {
        func format(_ prefix: String, _ minimum: Int, _ alphabet: Alphabet, exactly: Bool = false) -> Format {
            Format(prefix: Array(prefix.utf8), minimumBodyLength: minimum, maximumBodyLength: exactly ? minimum : 255, alphabet: alphabet)
        }
        return [
            // GitHub: personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained PATs.
            format("ghp_", 36, .alphanumeric), format("gho_", 36, .alphanumeric), format("ghu_", 36, .alphanumeric),
            format("ghs_", 36, .alphanumeric), format("ghr_", 36, .alphanumeric), format("github_pat_", 40, .urlSafe),
            // GitLab: personal, pipeline trigger, deploy, runner, CI job and feed tokens.
            format("glpat-", 20, .urlSafe), format("glptt-", 20, .urlSafe), format("gldt-", 20, .urlSafe),
            format("glrt-", 20, .urlSafe), format("glcbt-", 20, .urlSafe), format("glft-", 20, .urlSafe),
            // AWS access key ids (long-term and temporary).
            format("AKIA", 16, .upperAlphanumeric, exactly: true), format("ASIA", 16, .upperAlphanumeric, exactly: true),
            // Slack bot, user, app and refresh tokens.
            format("xoxb-", 10, .urlSafe), format("xoxp-", 10, .urlSafe), format("xoxa-", 10, .urlSafe),
            format("xoxr-", 10, .urlSafe), format("xoxe-", 10, .urlSafe), format("xapp-", 10, .urlSafe),
            // npm and PyPI upload tokens.
            format("npm_", 36, .alphanumeric), format("pypi-", 50, .urlSafe),
        ]
    }()

    /// The byte ranges of `bytes` that are tokens of a known format, in order, not overlapping.
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            if let end = tokenEnd(in: bytes, at: index) {
                found.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    private static func tokenEnd(in bytes: [UInt8], at start: Int) -> Int? {
        // A token starts a word: `xghp_...` is not a GitHub token.
        if start > 0, Alphabet.alphanumeric.contains(bytes[start - 1]) { return nil }
        for format in all where bytes[start] == format.prefix[0] {
            let bodyStart = start + format.prefix.count
            guard bodyStart <= bytes.count, bytes[start..<bodyStart].elementsEqual(format.prefix) else { continue }
            var end = bodyStart
            while end < bytes.count, format.alphabet.contains(bytes[end]) { end += 1 }
            let length = end - bodyStart
            if length >= format.minimumBodyLength, length <= format.maximumBodyLength { return end }
        }
        return nil
    }
}
