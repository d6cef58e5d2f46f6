/// Which environment variables hold secrets, by name, as CI log masking would treat them.
///
/// A name is secret when it contains `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `PASSPHRASE`,
/// `CREDENTIAL`, `PRIVATE_KEY`, `API_KEY`, `APIKEY`, `WEBHOOK`, `AUTH_CONFIG`, `COOKIE` or
/// `DATABASE_URL`, ends in `_KEY`, `_PWD`, `_PASS`, `_DSN` or `_AUTH`, starts with `AWS_`
/// (except the few that only configure the CLI, such as `AWS_REGION`), or was named by the user
/// (`--secret-env`, config `secrets:`). Case-insensitive.
public enum SecretNames {
    static let fragments = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "PRIVATE_KEY", "API_KEY", "APIKEY",
                            "WEBHOOK", "AUTH_CONFIG", "COOKIE", "DATABASE_URL"]
    static let suffixes = ["_KEY", "_PWD", "_PASS", "_DSN", "_AUTH"]
    /// `AWS_*` variables that configure the CLI and hold nothing secret.
    static let awsSettings: Set<String> = [
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_OUTPUT",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PAGER", "AWS_CA_BUNDLE", "AWS_SDK_LOAD_CONFIG",
        "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS", "AWS_EC2_METADATA_DISABLED",
    ]

    /// True when a variable called `name` holds a secret; `extra` are names the user declared.
    public static func isSecret(_ name: String, extra: Set<String> = []) -> Bool {
        if extra.contains(name) { return true }
        let upper = name.uppercased()
        if upper.hasPrefix("AWS_") { return !awsSettings.contains(upper) }
        return suffixes.contains { upper.hasSuffix($0) } || fragments.contains { upper.contains($0) }
    }

    /// True when the `NAME=value` entry's name is secret by `SecretNames`' own rules; reads
    /// bytes, for the many environment entries of a job's execs.
    public static func isSecret<C: Collection>(entry: C, extra: Set<String> = []) -> Bool where C.Element == UInt8 {
        guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { return false }
        return isSecret(String(decoding: entry[..<equals], as: UTF8.self), extra: extra)
    }

    /// The values of the secret variables among `entries` (`NAME=value` strings).
    public static func values<S: Sequence>(in entries: S, extra: Set<String> = []) -> [String] where S.Element == String {
        entries.compactMap { entry in
            guard let equals = entry.firstIndex(of: "=") else { return nil }
            let name = String(entry[..<equals])
            return isSecret(name, extra: extra) ? String(entry[entry.index(after: equals)...]) : nil
        }
    }
}
