/// A place in a rules file: 1-based line and column (columns count bytes of the line).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// Falco's load-result codes (falcosecurity/falco `falco_load_result.h`), errors and warnings.
public enum LoadCode: String, Sendable, Hashable, CaseIterable {
    // Errors.
    case fileRead = "LOAD_ERR_FILE_READ"
    case yamlParse = "LOAD_ERR_YAML_PARSE"
    case yamlValidate = "LOAD_ERR_YAML_VALIDATE"
    case compileCondition = "LOAD_ERR_COMPILE_CONDITION"
    case compileOutput = "LOAD_ERR_COMPILE_OUTPUT"
    case validate = "LOAD_ERR_VALIDATE"
    case extensionError = "LOAD_ERR_EXTENSION"
    /// Not a Falco code: a field Falco knows that tollgate does not support, named separately
    /// so users can find it (a field nobody knows is `compileCondition`, as in Falco).
    case unknownField = "LOAD_UNKNOWN_FIELD"
    // Warnings.
    case unknownSource = "LOAD_UNKNOWN_SOURCE"
    case unsafeNACheck = "LOAD_UNSAFE_NA_CHECK"
    case noEventType = "LOAD_NO_EVTTYPE"
    case unknownFilter = "LOAD_UNKNOWN_FILTER"
    case unusedMacro = "LOAD_UNUSED_MACRO"
    case unusedList = "LOAD_UNUSED_LIST"
    case unknownItem = "LOAD_UNKNOWN_ITEM"
    case deprecatedItem = "LOAD_DEPRECATED_ITEM"
    case warningExtension = "LOAD_WARNING_EXTENSION"
    case appendNoValues = "LOAD_APPEND_NO_VALUES"
    case exceptionNameNotUnique = "LOAD_EXCEPTION_NAME_NOT_UNIQUE"
    case invalidMacroName = "LOAD_INVALID_MACRO_NAME"
    case invalidListName = "LOAD_INVALID_LIST_NAME"
    case compileConditionWarning = "LOAD_COMPILE_CONDITION"
    case unknownKey = "LOAD_UNKNOWN_KEY"
}

/// One load error or warning, printed as `file:line:column: error: message [CODE]`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var severity: Severity
    public var code: LoadCode
    public var message: String
    public var location: SourceLocation?
    /// The item the diagnostic is about, e.g. `rule` and `Read sensitive file untrusted`.
    public var itemType: String?
    public var itemName: String?

    public init(
        _ severity: Severity, _ code: LoadCode, _ message: String, at location: SourceLocation?,
        itemType: String? = nil, itemName: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.itemType = itemType
        self.itemName = itemName
    }

    public var isError: Bool { severity == .error }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message) [\(code.rawValue)]"
    }
}
