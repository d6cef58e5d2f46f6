import Foundation
import Testing

@testable import TollgateEvents

/// Numbers checked against this machine's kernel headers, parsed at test time.
struct SyscallTableHeaderTests {
    static let x86Header = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
    static let genericHeader = "/usr/include/asm-generic/unistd.h"

    /// `#define __NR_name number` lines.
    static func parseDefines(_ text: String, prefix: String) -> [String: Int32] {
        var result: [String: Int32] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 3, parts[0] == "#define", parts[1].hasPrefix(prefix) else { continue }
            let name = String(parts[1].dropFirst(prefix.count))
            if let n = Int32(parts[2]) { result[name] = n }
        }
        return result
    }

    /// asm-generic numbers for a 64-bit architecture: direct defines plus `__NR3264_*` aliases.
    static func genericNumbers(_ text: String) -> [String: Int32] {
        var numbers = parseDefines(text, prefix: "__NR_")
        let alias3264 = parseDefines(text, prefix: "__NR3264_")
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 3, parts[0] == "#define", parts[1].hasPrefix("__NR_"),
                parts[2].hasPrefix("__NR3264_")
            else { continue }
            let name = String(parts[1].dropFirst(5))
            // The 64-bit names (fcntl, mmap, truncate...) are the ones without a 64 suffix.
            if name.hasSuffix("64") || name == "mmap2" || numbers[name] != nil { continue }
            if let n = alias3264[String(parts[2].dropFirst(9))] { numbers[name] = n }
        }
        return numbers
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: x86Header), "needs \(x86Header)"))
    func x86NumbersMatchKernelHeader() throws {
        let header = Self.parseDefines(try String(contentsOfFile: Self.x86Header, encoding: .utf8), prefix: "__NR_")
        #expect(header.count > 300)
        for info in SyscallTable.all {
            #expect(info.x86_64 == header[info.name], "\(info.name): table \(String(describing: info.x86_64))")
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: genericHeader), "needs \(genericHeader)"))
    func arm64NumbersMatchGenericHeader() throws {
        let header = Self.genericNumbers(try String(contentsOfFile: Self.genericHeader, encoding: .utf8))
        #expect(header["fcntl"] == 25 && header["openat"] == 56)
        for info in SyscallTable.all {
            // The header gives some numbers a second name (llseek = lseek, sync_file_range2 =
            // sync_file_range); the table gives each number one entry.
            if info.arm64 == nil, let number = header[info.name], SyscallTable.info(arch: .arm64, number: number) != nil { continue }
            #expect(info.arm64 == header[info.name], "\(info.name): table \(String(describing: info.arm64))")
        }
    }
}

struct SyscallTableTests {
    @Test func namesAreUniqueAndEventTypesDense() {
        let names = SyscallTable.all.map(\.name)
        #expect(Set(names).count == names.count)
        for (index, info) in SyscallTable.all.enumerated() {
            #expect(Int(info.type.rawValue) == index)
            #expect(EventType(named: info.name) == info.type)
            #expect(info.type.name == info.name)
        }
    }

    @Test(arguments: Architecture.allCases)
    func numbersRoundTrip(arch: Architecture) {
        var seen: Set<Int32> = []
        for info in SyscallTable.all {
            guard let n = info.number(for: arch) else { continue }
            #expect(seen.insert(n).inserted, "\(info.name) shares number \(n) on \(arch)")
            #expect(SyscallTable.info(arch: arch, number: n)?.name == info.name)
        }
        #expect(SyscallTable.info(arch: arch, number: -1) == nil)
        #expect(SyscallTable.info(arch: arch, number: 100_000) == nil)
    }

    /// Every event type Falco accepts is known; the ones without a syscall number on an
    /// architecture are the ones no backend there can deliver (so rules naming only them are
    /// reported as not evaluable, not passed in silence).
    @Test func falcoEventTypesAndWhatCanBeDelivered() {
        #expect(SyscallTable.unknownNames(["access", "madvise", "container", "pluginevent", "asyncevent", "memfd_create"]) == [])
        #expect(SyscallTable.all.count > 450)
        #expect(SyscallTable.numbers(forNames: ["access", "madvise"], arch: .x86_64) == [21, 28])
        #expect(SyscallTable.numbers(forNames: ["access", "madvise"], arch: .arm64) == [233])
        #expect(SyscallTable.undeliverableNames(["container", "access", "madvise", "procexit", "openat"], arch: .arm64) == ["container", "access"])
        #expect(SyscallTable.undeliverableNames(["container", "access", "madvise", "procexit", "open"], arch: .x86_64) == ["container"])
        #expect(SyscallTable.deliverableNames(hooked: ["access", "openat", "open", "execve"], untraced: ["execve"], arch: .arm64)
                == ["openat", "procexit"])
        #expect(SyscallTable.deliverableNames(hooked: ["access", "open"], untraced: [], arch: .x86_64) == ["access", "open", "procexit"])
        // Bare entries carry no parameters and change no state.
        #expect(SyscallTable.info(named: "madvise")?.parameters.isEmpty == true)
        #expect(!SyscallTable.stateSyscallNames.contains("madvise"))
    }

    @Test func namesAndNumbersForTheCaptureSide() {
        #expect(SyscallTable.numbers(forNames: ["openat", "open", "connect", "nosuch"], arch: .x86_64) == [2, 42, 257])
        #expect(SyscallTable.numbers(forNames: ["openat", "open", "connect"], arch: .arm64) == [56, 203])
        #expect(SyscallTable.names(forNumbers: [257, 59, 9999], arch: .x86_64) == ["openat", "execve"])
        #expect(SyscallTable.unknownNames(["openat", "nosuch"]) == ["nosuch"])
        #expect(SyscallTable.payloadArguments(arch: .x86_64, number: 257) == [1])
        #expect(SyscallTable.payloadArguments(arch: .x86_64, number: 42) == [1])
        #expect(SyscallTable.payloadArguments(arch: .x86_64, number: 265) == [1, 3])
        #expect(SyscallTable.payloadArguments(arch: .x86_64, number: 0) == [])
        #expect(SyscallTable.info(named: "accept4")?.outputPayloadArguments == [1])
        #expect(SyscallTable.info(named: "pipe2")?.outputPayloadArguments == [0])
        #expect(SyscallTable.info(named: "connect")?.outputPayloadArguments == [])
        #expect(SyscallTable.info(named: "read")?.isHighVolume == true)
        #expect(SyscallTable.info(named: "openat")?.isHighVolume == false)
    }

    @Test func stateSyscallsCoverTheDecoderNeeds() {
        let needed: Set<String> = [
            "open", "openat", "openat2", "creat", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "socket",
            "connect", "accept", "accept4", "bind", "pipe", "pipe2", "chdir", "fchdir", "execve", "execveat",
            "clone", "clone3", "fork", "vfork", "memfd_create", "setuid",
        ]
        #expect(needed.isSubset(of: SyscallTable.stateSyscallNames))
        #expect(!SyscallTable.stateSyscallNames.contains("read"))
        #expect(!SyscallTable.stateSyscallNames.contains("procexit"))
    }

    @Test func falcoParameterNames() {
        func names(_ syscall: String) -> [String] { SyscallTable.info(named: syscall)?.parameters.map(\.name) ?? [] }
        #expect(names("openat") == ["fd", "dirfd", "name", "flags", "mode", "dev", "ino"])
        #expect(names("open") == ["fd", "name", "flags", "mode", "dev", "ino"])
        #expect(names("symlinkat") == ["res", "target", "linkdirfd", "linkpath"])
        #expect(names("linkat") == ["res", "olddir", "oldpath", "newdir", "newpath", "flags"])
        #expect(names("ptrace").contains("request"))
        #expect(names("socket") == ["fd", "domain", "type", "proto"])
        #expect(names("execve").contains("flags") && names("execve").contains("filename"))
        #expect(names("procexit") == ["status", "ret", "sig", "core"])
        #expect(SyscallTable.info(named: "openat")?.parameterIndex(named: "flags") == 3)
        let flags = SyscallTable.parameterIndexTable(named: "flags")
        #expect(flags.count == SyscallTable.all.count)
        #expect(flags[Int(EventType(named: "openat")!.rawValue)] == 3)
        #expect(flags[Int(EventType(named: "close")!.rawValue)] == nil)
        for name in ["cmd", "domain", "fd", "filename", "flags", "linkpath", "mode", "name", "newpath", "oldpath",
                     "path", "request", "target", "uid", "res"] {
            #expect(SyscallTable.isKnownParameter(name), "evt.arg.\(name) is used by Falco's rules")
        }
        #expect(!SyscallTable.isKnownParameter("nosuch"))
    }
}

/// Every `evt.type` value the Falco rulesets use must be in the table.
struct FalcoRulesetCoverageTests {
    static let rulesDirectory = "/work/shared/falco-rules"

    /// The words after `evt.type in (...)`, `evt.type = x` and `evt.type=x`, with list names
    /// expanded from `- list:` items in the same files.
    static func eventTypes(in texts: [String]) -> Set<String> {
        var lists: [String: [String]] = [:]
        var candidates: [String] = []
        for text in texts {
            let lines = text.components(separatedBy: "\n")
            for (i, line) in lines.enumerated() {
                if line.hasPrefix("- list: ") {
                    let name = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                    var items = ""
                    var j = i + 1
                    while j < lines.count, !lines[j].hasPrefix("- ") {
                        items += lines[j]
                        j += 1
                    }
                    if let open = items.firstIndex(of: "["), let close = items.lastIndex(of: "]") {
                        lists[name, default: []] += items[items.index(after: open)..<close]
                            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces.union(["\"", "'"])) }
                    }
                }
            }
            var rest = Substring(text)
            while let range = rest.range(of: "evt.type") {
                var after = rest[range.upperBound...].drop(while: { $0 == " " })
                if after.hasPrefix("in") {
                    after = after.dropFirst(2).drop(while: { $0 == " " })
                    if after.hasPrefix("("), let close = after.firstIndex(of: ")") {
                        candidates += after[after.index(after: after.startIndex)..<close]
                            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    }
                } else if after.hasPrefix("=") {
                    let word = after.dropFirst().drop(while: { $0 == " " }).prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
                    candidates.append(String(word))
                }
                rest = rest[range.upperBound...]
            }
        }
        var result: Set<String> = []
        for c in candidates where !c.isEmpty {
            if let items = lists[c] { result.formUnion(items) } else { result.insert(c) }
        }
        return result
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: rulesDirectory), "needs \(rulesDirectory)"))
    func everyRulesetEventTypeIsKnown() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.rulesDirectory).filter { $0.hasSuffix(".yaml") }
        let texts = try files.map { try String(contentsOfFile: "\(Self.rulesDirectory)/\($0)", encoding: .utf8) }
        let types = Self.eventTypes(in: texts)
        #expect(types.count >= 41, "found \(types.sorted())")
        #expect(types.isSuperset(of: ["openat", "execve", "ptrace", "symlinkat", "connect", "userfaultfd"]))
        #expect(SyscallTable.unknownNames(types).isEmpty)
    }
}
