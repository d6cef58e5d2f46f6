import TollgateRules

/// How Falco priorities map onto each CI format's severity scale (documented in docs/reports.md).
extension Priority {
    /// SARIF `level`: Error and above are `error`, Warning is `warning`, the rest `note`.
    package var sarifLevel: String {
        switch self {
        case .emergency, .alert, .critical, .error: return "error"
        case .warning: return "warning"
        case .notice, .informational, .debug: return "note"
        }
    }

    /// SARIF `properties.security-severity`, a score in (0, 10] that GitHub buckets as
    /// critical (> 9.0), high (7.0-8.9), medium (4.0-6.9) and low (0.1-3.9). Warning maps to high
    /// because the gate blocks on Warning by default, and GitHub's default check fails on high.
    package var securitySeverity: String {
        switch self {
        case .emergency: return "10.0"
        case .alert: return "9.5"
        case .critical: return "9.1"
        case .error: return "8.0"
        case .warning: return "7.0"
        case .notice: return "5.0"
        case .informational: return "3.0"
        case .debug: return "1.0"
        }
    }

    /// GitLab Code Quality `severity` (`info|minor|major|critical|blocker`).
    package var codeQualitySeverity: String {
        switch self {
        case .emergency, .alert: return "blocker"
        case .critical: return "critical"
        case .error, .warning: return "major"
        case .notice: return "minor"
        case .informational, .debug: return "info"
        }
    }
}
