/// Escaping of untrusted text (rule outputs, paths, command lines written by the job) for
/// GitHub-flavoured Markdown, so a job cannot inject links, HTML or table breaks into the summary.
package enum MarkdownText {
    /// One line of inline text: Markdown punctuation backslash-escaped, `<`/`>`/`&` as entities,
    /// line breaks as spaces.
    package static func inline(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\n", "\r", "\t": out.append(" ")
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#", "!", "$":
                out.append("\\")
                out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out.append("\u{FFFD}")
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A code span showing `text` literally: line breaks as spaces, a backtick fence longer
    /// than any backtick run inside, and `|` escaped when the span sits in a table cell.
    package static func code(_ text: String, inTable: Bool = false) -> String {
        var body = ""
        var longestRun = 0
        var run = 0
        for scalar in text.unicodeScalars {
            if scalar == "`" { run += 1; longestRun = max(longestRun, run) } else { run = 0 }
            switch scalar {
            case "\n", "\r", "\t": body.append(" ")
            case "|" where inTable: body.append("\\|")
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: body.append("\u{FFFD}")
            default: body.unicodeScalars.append(scalar)
            }
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let padding = body.hasPrefix("`") || body.hasSuffix("`") ? " " : ""
        return fence + padding + body + padding + fence
    }
}
