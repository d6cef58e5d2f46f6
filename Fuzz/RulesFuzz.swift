// Fuzz target for the rules loader: built only by scripts/fuzz (target `rules`), against the
// TollgateRules module and Yams built with the fuzzer's instrumentation.
//
// Loads the input as one rules file, as `--rules FILE` does: YAML, items, lists, macros,
// conditions, exceptions, outputs. Any trap is a bug; so is a diagnostic outside the file.
// (Checks use fatalError, whose message survives -O.)
import TollgateRules

@_cdecl("LLVMFuzzerTestOneInput")
public func rulesFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    let result = RuleLoader().load(files: [RuleSource(path: "fuzz.yaml", text: text)])
    let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    for diagnostic in result.diagnostics {
        guard let location = diagnostic.location, location.file == "fuzz.yaml" else { continue }
        guard location.line >= 1 && location.line <= lines && location.column >= 1 else {
            fatalError("diagnostic outside the file: \(diagnostic)")
        }
    }
    guard (result.ruleSet != nil) == !result.diagnostics.contains(where: \.isError) else {
        fatalError("a load succeeds exactly when it has no error")
    }
    return 0
}
