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

    /// The value of a `NAME=value` environment entry whose name is secret, or nil. Reads bytes:
    /// a job's execs pass many entries.
    public static func secretValue<C: Collection>(of entry: C, extra: Set<String> = []) -> String? where C.Element == UInt8 {
        guard let equals = entry.firstIndex(of: UInt8(ascii: "=")),
              isSecret(String(decoding: entry[..<equals], as: UTF8.self), extra: extra) else { return nil }
        return String(decoding: entry[entry.index(after: equals)...], as: UTF8.self)
    }
}
