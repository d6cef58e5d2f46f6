/// Falco's rule priorities, most severe first (`falco_common.cpp`).
public enum Priority: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible, Codable {
    case emergency = 0, alert, critical, error, warning, notice, informational, debug

    /// Falco's canonical name, e.g. `Warning`.
    public var name: String {
        switch self {
        case .emergency: return "Emergency"
        case .alert: return "Alert"
        case .critical: return "Critical"
        case .error: return "Error"
        case .warning: return "Warning"
        case .notice: return "Notice"
        case .informational: return "Informational"
        case .debug: return "Debug"
        }
    }

    /// Upper-case name as rules files usually spell it (`INFORMATIONAL` prints as `INFO`).
    public var description: String { self == .informational ? "INFO" : name.uppercased() }

    /// Case-insensitive match of Falco's names, with `info` for informational.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "info" {
            self = .informational
            return
        }
        guard let match = Priority.allCases.first(where: { $0.name.lowercased() == lower }) else { return nil }
        self = match
    }

    /// Lower raw value means more severe.
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The spellings a rules file, a flag or the config may use, for hints: every case's
    /// name, and `INFO`.
    public static var spellings: [String] {
        allCases.flatMap { $0 == .informational ? [$0.name.uppercased(), $0.description] : [$0.description] }
    }
}
