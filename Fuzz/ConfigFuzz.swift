// Fuzz target for the project config reader (`.tollgate.yaml`): built only by scripts/fuzz
// (target `config`), compiled together with Sources/tollgate/ProjectConfig.swift against
// the TollgateRules module.
//
// Parses the input as a config. Any trap is a bug; so is a problem outside the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func configFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try ProjectConfig.parse(text, path: "project/.tollgate.yaml")
    } catch {
        let lines = text.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        guard error.location.file == "project/.tollgate.yaml" else {
            fatalError("problem in another file: \(error)")
        }
        guard error.location.line >= 1 && error.location.line <= lines && error.location.column >= 1 else {
            fatalError("problem outside the file: \(error)")
        }
    }
    return 0
}
