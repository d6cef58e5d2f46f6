/// Escaping for XML 1.0 text and attribute values.
///
/// Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF and CR; U+FFFE and
/// U+FFFF), which reach reports through non-UTF-8 paths and argv, are written as the visible
/// text `\xHH` / `\u{FFFE}` instead of making the document ill-formed.
package enum XMLText {
    /// Escapes `&`, `<`, `>` and invalid characters; for element content.
    package static func content(_ text: String) -> String {
        escape(text, attribute: false)
    }

    /// Also escapes quotes and white space that attribute normalization would eat.
    package static func attribute(_ text: String) -> String {
        escape(text, attribute: true)
    }

    private static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out.append("&amp;")
            case "<": out.append("&lt;")
            case ">": out.append("&gt;")
            case "\"" where attribute: out.append("&quot;")
            case "'" where attribute: out.append("&apos;")
            case "\n" where attribute: out.append("&#10;")
            case "\r": out.append("&#13;")
            case "\t" where attribute: out.append("&#9;")
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\u{FFFE}", "\u{FFFF}": out.append("\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append("\\x" + (hex.count == 1 ? "0" : "") + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
