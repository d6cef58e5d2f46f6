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
}
