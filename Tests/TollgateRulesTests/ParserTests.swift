import Testing
@testable import TollgateRules

/// One parser case: the canonical form it must print, or a fragment of the error it must give.
struct ParserCase: CustomTestStringConvertible, Sendable {
    var name: String
    var input: String
    var expected: Expectation

    enum Expectation: Sendable {
        case accept(String)
        case reject(String)
    }

    var testDescription: String { name }

    static func accept(_ name: String, _ input: String, _ canonical: String) -> ParserCase {
        ParserCase(name: name, input: input, expected: .accept(canonical))
    }

    static func reject(_ name: String, _ input: String, _ error: String) -> ParserCase {
        ParserCase(name: name, input: input, expected: .reject(error))
    }
}

@Suite("Condition parser")
struct ConditionParserTests {
    @Test("accepts and rejects like libs", arguments: ParserCases.all)
    func parserCase(_ testCase: ParserCase) {
        let result = ConditionParser.parse(testCase.input)
        switch (testCase.expected, result) {
        case (.accept(let canonical), .success(let ast)):
            #expect(ast.description == canonical)
            // The canonical form parses back to itself.
            if case .success(let again) = ConditionParser.parse(ast.description) {
                #expect(again.description == canonical)
            } else {
                Issue.record("canonical form '\(canonical)' does not parse")
            }
        case (.reject(let fragment), .failure(let error)):
            #expect(error.message.contains(fragment), "message was: \(error.message)")
        case (.accept, .failure(let error)):
            Issue.record("expected to parse, got: \(error.message) at \(error.offset)")
        case (.reject, .success(let ast)):
            Issue.record("expected an error, parsed as: \(ast)")
        }
    }

    @Test("there are at least 150 named cases with unique names")
    func caseCount() {
        #expect(ParserCases.all.count >= 150)
        #expect(Set(ParserCases.all.map(\.name)).count == ParserCases.all.count)
    }

    @Test("deep nesting is rejected with a clear error, also on a 512 KiB thread")
    func deepNesting() async {
        let deep = String(repeating: "(", count: 5000) + "a.b exists" + String(repeating: ")", count: 5000)
        let message = await runOnSmallStack {
            if case .failure(let error) = ConditionParser.parse(deep) { return error.message }
            return "parsed"
        }
        #expect(message.contains("exceeded max depth limit"))
        let deepNot = String(repeating: "not(", count: 3000) + "a.b exists" + String(repeating: ")", count: 3000)
        let notMessage = await runOnSmallStack {
            if case .failure(let error) = ConditionParser.parse(deepNot) { return error.message }
            return "parsed"
        }
        #expect(notMessage.contains("exceeded max depth limit"))
    }

    @Test("nesting just inside the limit parses on a 512 KiB thread")
    func nestingWithinLimit() async {
        let levels = ConditionParser.maximumDepth - 2
        let input = String(repeating: "(", count: levels) + "a.b exists" + String(repeating: ")", count: levels)
        let printed = await runOnSmallStack {
            switch ConditionParser.parse(input) {
            case .success(let ast): return ast.description
            case .failure(let error): return error.message
            }
        }
        #expect(printed == "a.b exists")
    }

    @Test("long and/or chains are loops, not recursion")
    func longChains() async {
        let input = (0..<20000).map { "a.b = \($0)" }.joined(separator: " or ")
        let count = await runOnSmallStack {
            if case .success(.or(let children, _)) = ConditionParser.parse(input) { return "\(children.count)" }
            return "failed"
        }
        #expect(count == "20000")
    }

    @Test("error offsets point at the offending byte")
    func errorOffsets() {
        guard case .failure(let error) = ConditionParser.parse("proc.name = bash and proc.pid >") else {
            Issue.record("expected failure")
            return
        }
        #expect(error.offset == 31)
    }
}

/// Runs `body` on a thread with a 512 KiB stack, like secondary threads on some platforms.
func runOnSmallStack(_ body: @escaping @Sendable () -> String) async -> String {
    await withCheckedContinuation { continuation in
        let thread = SmallStackThread(body: body, continuation: continuation)
        thread.start()
    }
}
