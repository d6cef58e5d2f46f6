import Foundation
import TollgateEvents

/// Hides the job's secrets in everything the gate writes: every known secret value of at least
/// `minimumLength` bytes, anywhere inside a string (also percent-encoded, as in a URL), and every
/// token of a well-known format (`TokenFormats`), each replaced by `***` as CI log masks do.
public struct SecretMask: Sendable {
    public static let replacement = "***"
    /// Shorter values are left alone: masking `1` or `true` everywhere would hide the report.
    public static let minimumLength = 6

    /// Longest prefix of a secret the kernel keeps as a process name (`comm`, 15 bytes): a
    /// program named after a secret shows this much of it.
    static let processNameLength = 15
    /// Values learned from the job's own execs kept at most: past this, no more are learned
    /// (a job exec'ing with a fresh secret each time must not make masking quadratic).
    static let maximumLearnedValues = 1_000

    /// Byte forms to look for, by their first byte, longest first, so a value containing
    /// another is masked whole and a text is scanned once whatever the number of secrets.
    private var patterns: [UInt8: [[UInt8]]] = [:]
    private var known: Set<[UInt8]> = []
    /// The whole values, for cut-off prefixes at the end of a string.
    private var values: [[UInt8]] = []
    private var learned = 0
    /// Environment entries already looked at: a build's execs pass the same ones on and on.
    private var examined: Set<ByteString> = []
    static let maximumExaminedEntries = 100_000
    /// Variable names the user declared secret, beside `SecretNames`' own.
    private var extraNames: Set<String> = []

    /// A mask for `values` (shorter ones are ignored).
    public init<S: Sequence>(values: S) where S.Element == String {
        add(values)
    }

    /// A mask for the secrets of `environment`: the values of secret-named variables
    /// (`SecretNames`, plus `extraNames`).
    public init(environment: [String: String], extraNames: Set<String> = []) {
        self.extraNames = extraNames
        add(environment.compactMap { SecretNames.isSecret($0.key, extra: extraNames) ? $0.value : nil })
    }

    /// Adds the values of the secret-named variables among `entries` (`NAME=value`): a process
    /// of the job may exec with secrets the gate's environment did not hold.
    ///
    /// The job chooses these values, so it could name its own evidence a secret to have it
    /// masked (`A_TOKEN=/home/runner/.ssh/id_rsa`): a learned value must look like a credential,
    /// at least 8 bytes, no blank, not a path.
    public mutating func learn(environment entries: [ByteString]) {
        guard learned < Self.maximumLearnedValues else { return }
        if examined.count > Self.maximumExaminedEntries { examined.removeAll(keepingCapacity: true) }
        let values = entries.compactMap { entry -> String? in
            guard examined.insert(entry).inserted, let value = SecretNames.secretValue(of: entry.bytes, extra: extraNames) else { return nil }
            return value.utf8.count >= 8 && !value.hasPrefix("/") && !value.contains(where: \.isWhitespace)
                && !known.contains(Array(value.utf8)) ? value : nil
        }
        learned += values.count
        add(values)
    }

    /// Adds `values` to the mask: each value, its percent-encoded form and, for a value longer
    /// than a process name, the part a process name keeps.
    public mutating func add<S: Sequence>(_ values: S) where S.Element == String {
        for value in values where value.utf8.count >= Self.minimumLength {
            let bytes = Array(value.utf8)
            guard known.insert(bytes).inserted else { continue }
            self.values.append(bytes)
            insert(bytes)
            let encoded = Array(PercentEncoding.encode(value).utf8)
            if known.insert(encoded).inserted { insert(encoded) }
            if bytes.count > Self.processNameLength {
                let name = Array(bytes.prefix(Self.processNameLength))
                if known.insert(name).inserted { insert(name) }
            }
        }
    }

    /// Inserts a pattern among those of its first byte, keeping the longest first.
    private mutating func insert(_ pattern: [UInt8]) {
        guard let first = pattern.first else { return }
        var list = patterns[first, default: []]
        let index = list.firstIndex { $0.count < pattern.count } ?? list.count
        list.insert(pattern, at: index)
        patterns[first] = list
    }

    /// Where the patterns occur in `bytes`: at each position, the longest one that matches.
    private func matches(in bytes: [UInt8]) -> [(range: Range<Int>, pattern: [UInt8])] {
        guard !patterns.isEmpty else { return [] }
        var found: [(range: Range<Int>, pattern: [UInt8])] = []
        for start in bytes.indices {
            guard let candidates = patterns[bytes[start]] else { continue }
            for pattern in candidates where start + pattern.count <= bytes.count
                && bytes[start..<start + pattern.count].elementsEqual(pattern) {
                found.append((start..<start + pattern.count, pattern))
                break
            }
        }
        return found
    }

    /// The patterns that occur in `bytes`.
    private func secrets(in bytes: [UInt8]) -> [[UInt8]] {
        matches(in: bytes).map(\.pattern)
    }

    /// `text` with every secret replaced by `***`; `count` grows by the number of replacements.
    public func apply(_ text: String, count: inout Int) -> String {
        let bytes = Array(text.utf8)
        var ranges = matches(in: bytes).map(\.range)
        ranges += TokenFormats.ranges(in: bytes)
        if let cut = cutOffSecret(at: bytes) { ranges.append(cut) }
        guard !ranges.isEmpty else { return text }
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        count += merged.count
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var position = 0
        for range in merged {
            out += bytes[position..<range.lowerBound]
            out += Self.replacement.utf8
            position = range.upperBound
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The end of `bytes` when it is the start of a secret (at least `minimumLength` bytes):
    /// a command line or path the capture cut in the middle of a secret.
    private func cutOffSecret(at bytes: [UInt8]) -> Range<Int>? {
        var longest = 0
        for value in values {
            var length = min(value.count - 1, bytes.count)
            while length >= Self.minimumLength, length > longest {
                if bytes[(bytes.count - length)...].elementsEqual(value.prefix(length)) {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest > 0 ? (bytes.count - longest)..<bytes.count : nil
    }

    /// The CI context with every secret masked in its values (a branch can be named anything).
    public func apply(to ci: CIContext, count: inout Int) -> CIContext {
        var masked = ci
        for value in CIContext.valueKeyPaths { masked[keyPath: value] = apply(ci[keyPath: value], count: &count) }
        return masked
    }

    /// `text` masked, without counting.
    public func apply(_ text: String) -> String {
        var ignored = 0
        return apply(text, count: &ignored)
    }

    /// A finding with every secret masked in its output, fields, command line, paths and process
    /// names. A field holding only part of a secret that the whole output shows (the value was
    /// split across two fields) is masked too.
    ///
    /// A field whose own masking changed it (a command line the capture cut inside a secret) is
    /// replaced by its masked form wherever the output shows it, before the output is masked.
    public func apply(to finding: ReportFinding, count: inout Int) -> ReportFinding {
        var masked = finding
        let outputSecrets = secrets(in: Array(finding.output.utf8))
        var rewritten: [(original: String, masked: String)] = []
        masked.outputFields = finding.outputFields.map { field in
            guard case .string(let text) = field.value else { return field }
            if Self.isFragment(Array(text.utf8), ofAny: outputSecrets) {
                count += 1
                return ReportField(field.name, .string(Self.replacement))
            }
            let result = apply(text, count: &count)
            if result != text { rewritten.append((text, result)) }
            return ReportField(field.name, .string(result))
        }
        if let cmdline = finding.cmdline {
            let result = apply(cmdline, count: &count)
            if result != cmdline { rewritten.append((cmdline, result)) }
            masked.cmdline = result
        }
        var output = finding.output
        for pair in rewritten.sorted(by: { $0.original.utf8.count > $1.original.utf8.count }) where pair.original.utf8.count >= Self.minimumLength {
            output = output.replacingOccurrences(of: pair.original, with: pair.masked)
        }
        masked.output = apply(output, count: &count)
        masked.exe = finding.exe.map { apply($0, count: &count) }
        masked.target = finding.target.map { apply($0, count: &count) }
        masked.processChain = finding.processChain.map { ProcessLink(name: apply($0.name, count: &count), pid: $0.pid) }
        return masked
    }

    /// A run of at least 3 bytes that begins or ends one of `secrets` without being all of it.
    private static func isFragment(_ bytes: [UInt8], ofAny secrets: [[UInt8]]) -> Bool {
        guard bytes.count >= 3 else { return false }
        return secrets.contains { secret in
            bytes.count < secret.count && (secret.starts(with: bytes) || secret.reversed().starts(with: bytes.reversed()))
        }
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
enum PercentEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
