// Fuzz target for the condition parser: built only by scripts/fuzz (target `condition`),
// against the TollgateRules module.
//
// Parses the input as a condition. An error must point inside the text. A parsed condition's
// canonical form (what Falco prints) is parsed again, and what that prints must print the same
// once more. One round may change it, as in Falco: `not (not x)` prints `not not x`, which
// parses as `x`. And it need not parse: a quoted string cannot end in a backslash (`"\\"` is
// unterminated), so a value ending in one has no canonical spelling. Any trap is a bug.
import TollgateRules

@_cdecl("LLVMFuzzerTestOneInput")
public func conditionFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch ConditionParser.parse(text) {
    case .failure(let error):
        guard error.offset >= 0 && error.offset <= text.utf8.count else {
            fatalError("error offset \(error.offset) outside the text")
        }
    case .success(let condition):
        guard case .success(let once) = ConditionParser.parse(condition.description),
              case .success(let twice) = ConditionParser.parse(once.description) else { break }
        guard twice.description == once.description else {
            fatalError("canonical form is not stable: \(condition) -> \(once) -> \(twice)")
        }
    }
    return 0
}
