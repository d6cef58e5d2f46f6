import Foundation
import Testing
@testable import TollgateRules

/// Falco's own rule-loading tests (falcosecurity/testing and the falcosecurity/falco engine unit
/// tests), extracted into `Fixtures/falco-loading` by `scripts/extract-falco-loading-cases`:
/// every plugin-free case must get Falco's verdict and Falco's errors and warnings.
@Suite("Falco's rule-loading cases")
struct FalcoLoadingCaseTests {
    static let directory = TestSupport.fixtures.appendingPathComponent("falco-loading")

    /// Cases where tollgate deliberately differs from Falco, with the reason.
    static let accepted: [String: String] = [
        // Three rules that do not compile: Falco stops at the first and reports one error;
        // tollgate reports each (same verdict, same code for the first), so a user fixes them
        // in one pass.
        "TestFalco_Legacy_SkipUnknownError": "tollgate reports every rule that does not compile, Falco only the first",
    ]

    @Test("every extracted case agrees with Falco on verdict, codes and asserted messages")
    func casesAgree() throws {
        let cases = try FalcoLoadingCase.all(in: Self.directory)
        #expect(cases.count >= 250)
        var agreeing = 0
        for testCase in cases {
            let differences = try testCase.differences(in: Self.directory)
            if differences.isEmpty { agreeing += 1 }
            if let reason = Self.accepted[testCase.name] {
                #expect(!differences.isEmpty, "\(testCase.name) now agrees; remove it from `accepted` (\(reason))")
            } else {
                #expect(differences.isEmpty, "\(testCase.name) (\(testCase.origin)): \(differences.joined(separator: "; "))")
            }
        }
        print("Falco loading cases agreeing: \(agreeing) of \(cases.count)")
    }
}

/// One case of `cases.json`.
struct FalcoLoadingCase: Decodable {
    struct File: Decodable {
        var name: String
        var path: String
    }

    /// One asserted diagnostic: present or absent, with what the test filters on.
    struct Check: Decodable {
        var present: Bool
        var code: String?
        var itemType: String?
        var itemName: String?
        var message: String?
        var messageContains: String?

        func matches(_ diagnostic: Diagnostic) -> Bool {
            if let code, diagnostic.code.rawValue != code { return false }
            if let messageContains, !diagnostic.message.contains(messageContains) { return false }
            return true
        }

        var summary: String {
            [code, itemType, itemName, message ?? messageContains.map { "…\($0)…" }].compactMap { $0 }.joined(separator: " ")
        }
    }

    var name: String
    var origin: String
    var files: [File]
    var valid: Bool
    var errors: [Check]
    var warnings: [Check]
    var errorCount: Int?
    var warningCount: Int?
    var hasWarnings: Bool?

    static func all(in directory: URL) throws -> [FalcoLoadingCase] {
        struct Document: Decodable { var cases: [FalcoLoadingCase] }
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(Document.self, from: data).cases
    }

    /// What tollgate does differently from what Falco's test asserts; empty when they agree.
    func differences(in directory: URL) throws -> [String] {
        let sources = try files.map {
            RuleSource(path: $0.name, text: try String(contentsOf: directory.appendingPathComponent("files/\($0.path)"), encoding: .utf8))
        }
        let result = RuleLoader().load(files: sources)
        var differences: [String] = []
        if result.succeeded != valid {
            differences.append("Falco says \(valid ? "valid" : "invalid"), tollgate: \(result.diagnostics.filter(\.isError).map(\.description))")
        }
        for (checks, diagnostics, kind) in [(errors, result.errors, "error"), (warnings, result.warnings, "warning")] {
            for check in checks where diagnostics.contains(where: check.matches) != check.present {
                differences.append("\(check.present ? "missing" : "unexpected") \(kind) \(check.summary); tollgate: \(diagnostics.map(\.description))")
            }
        }
        if let errorCount, result.errors.count != errorCount {
            differences.append("\(errorCount) errors expected, tollgate: \(result.errors.map(\.description))")
        }
        if let warningCount, result.warnings.count != warningCount {
            differences.append("\(warningCount) warnings expected, tollgate: \(result.warnings.map(\.description))")
        }
        if let hasWarnings, result.warnings.isEmpty == hasWarnings {
            differences.append(hasWarnings ? "warnings expected, tollgate has none" : "no warnings expected, tollgate: \(result.warnings.map(\.description))")
        }
        return differences
    }
}
