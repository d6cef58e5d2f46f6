import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TollgateEvents
@testable import TollgateReports

@Suite("Report support: hashing, time, escaping")
struct SupportTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
    ])
    func sha256(input: String, expected: String) {
        #expect(SHA256.hex(of: input) == expected)
    }

    @Test("UTC timestamps", arguments: [
        (UInt64(0), "1970-01-01T00:00:00.000000000Z", "00:00:00.000000000"),
        (ReportFixtures.start + 5, "2026-11-29T16:00:00.000000005Z", "16:00:00.000000005"),
        (UInt64(951_782_400) * 1_000_000_000 + 999_999_999, "2000-02-29T00:00:00.999999999Z", "00:00:00.999999999"),
        (UInt64(4_102_444_799) * 1_000_000_000, "2099-12-31T23:59:59.000000000Z", "23:59:59.000000000"),
    ])
    func timestamps(nanoseconds: UInt64, rfc3339: String, timeOfDay: String) {
        #expect(Timestamps.rfc3339Nanoseconds(nanoseconds) == rfc3339)
        #expect(Timestamps.timeOfDay(nanoseconds) == timeOfDay)
        #expect(Timestamps.rfc3339Milliseconds(nanoseconds) == String(rfc3339.dropLast(7)) + "Z")
    }

    @Test("civil dates agree with Foundation over 200 years")
    func civilDates() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: 0, to: 73_000, by: 37) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let mine = Timestamps.civilDate(daysSinceEpoch: day)
            #expect(mine.year == parts.year && mine.month == parts.month && mine.day == parts.day, "day \(day)")
        }
    }

    @Test("JSON strings escape quotes, backslashes and control characters and parse back")
    func jsonEscaping() throws {
        // € and … start with the same byte (0xE2) as U+2028/U+2029 but stay as they are.
        let nasty = "a\"b\\c\nd\u{1}e\u{2028}f/é\u{FFFD}€…\u{2029}z"
        let text = JSONValue.array([.string(nasty)]).compact
        #expect(text == #"["a\"b\\c\nd\u0001e\u2028f/é�€…\u2029z"]"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
        #expect(parsed == [nasty])
    }

    @Test("pretty JSON", arguments: [
        (JSONValue.object([]), "{}\n"),
        (JSONValue.object([("a", .array([.integer(1), .null])), ("b", .bool(true))]), "{\n  \"a\": [\n    1,\n    null\n  ],\n  \"b\": true\n}\n"),
    ])
    func prettyJSON(value: JSONValue, expected: String) {
        #expect(value.pretty == expected)
    }

    @Test("XML escaping keeps documents well-formed", arguments: [
        ("a<b>&\"c'", "a&lt;b&gt;&amp;\"c'", "a&lt;b&gt;&amp;&quot;c&apos;"),
        ("line1\nline2\ttab\r", "line1\nline2\ttab&#13;", "line1&#10;line2&#9;tab&#13;"),
        ("nul\u{0}esc\u{1B}bad\u{FFFE}", "nul\\x00esc\\x1Bbad\\u{FFFE}", "nul\\x00esc\\x1Bbad\\u{FFFE}"),
        ("/var/log/\u{FFFD}é", "/var/log/\u{FFFD}é", "/var/log/\u{FFFD}é"),
    ])
    func xmlEscaping(input: String, content: String, attribute: String) throws {
        #expect(XMLText.content(input) == content)
        #expect(XMLText.attribute(input) == attribute)
        let document = "<r a=\"\(XMLText.attribute(input))\">\(XMLText.content(input))</r>"
        #expect(throws: Never.self) { try XMLDocument(xmlString: document) }
    }

    @Test("Markdown escaping neutralises links, HTML and table pipes", arguments: [
        ("[x](http://evil)", "\\[x\\](http://evil)"),
        ("<img src=x>", "&lt;img src=x&gt;"),
        ("a | b", "a \\| b"),
        ("`code` *em* _u_", "\\`code\\` \\*em\\* \\_u\\_"),
        ("two\nlines", "two lines"),
    ])
    func markdownEscaping(input: String, expected: String) {
        #expect(MarkdownText.inline(input) == expected)
    }

    @Test("shell quoting", arguments: [
        (["make", "-j2", "test"], "make -j2 test"),
        (["sh", "-c", "echo 'hi' && ls"], #"sh -c 'echo '\''hi'\'' && ls'"#),
        (["printf", ""], "printf ''"),
    ])
    func shellQuoting(argv: [String], expected: String) {
        #expect(ShellQuoting.commandLine(argv) == expected)
    }
}
