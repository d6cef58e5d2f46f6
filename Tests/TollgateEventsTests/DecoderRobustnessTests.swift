import Testing

@testable import TollgateEvents

/// Random records (any kind, any syscall, hostile arguments and payloads) must decode or be
/// skipped, never trap, and must not grow state without bound.
struct DecoderRobustnessTests {
    /// A small deterministic generator (SplitMix64) so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func randomEvent(_ rng: inout SplitMix, arch: Architecture) -> RawEvent {
        let numbers = SyscallTable.all.compactMap { $0.number(for: arch) }
        let kind = RawEvent.Kind.allCases.randomElement(using: &rng)!
        let interesting: [UInt64] = [0, 1, 2, 3, 0xFFFF_FFFF, UInt64.max, UInt64(bitPattern: -100), 1 << 31, 4095, 4096]
        var args = RawEvent.Arguments()
        for i in 0..<6 {
            args[i] = Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : rng.next()
        }
        var raw = RawEvent(
            kind: kind, timestamp: rng.next() % 1_000_000, pid: Int32.random(in: 1...40, using: &rng),
            tid: Int32.random(in: 1...60, using: &rng), ppid: Int32.random(in: 0...40, using: &rng),
            uid: UInt32.random(in: 0...2, using: &rng), gid: 0,
            syscall: Bool.random(using: &rng) ? numbers.randomElement(using: &rng)! : Int32.random(in: -5...600, using: &rng),
            args: args,
            returnValue: [Int64(-2), -115, 0, 1, 3, 41, Int64.max, Int64.min, Int64(Int32.max) + 5]
                .randomElement(using: &rng)!,
            flags: RawEvent.Flags(rawValue: UInt32(rng.next() & 0xF)))
        for slot in PayloadSlot.all where rng.next() % 3 == 0 {
            let length = Int(rng.next() % 40)
            let alphabet: [UInt8] = [0, 1, 2, 10, 0x2E, 0x2F, 0x61, 0xFF]
            raw.setPayload(slot, (0..<length).map { _ in alphabet.randomElement(using: &rng)! })
        }
        return raw
    }

    @Test(arguments: Architecture.allCases)
    func randomRecordsNeverTrap(arch: Architecture) {
        var rng = SplitMix(state: arch == .x86_64 ? 42 : 4242)
        let decoder = EventDecoder(arch: arch, users: TestEvents.users, processes: ProcessTable(exitedRetention: 8))
        decoder.seed(pid: 1, exePath: "/sbin/init", argv: ["init"], env: nil, cwd: "/", uid: 0, gid: 0, startTime: 0)
        var decoded = 0
        for _ in 0..<6_000 {
            let raw = Self.randomEvent(&rng, arch: arch)
            decoder.decode(raw) { event in
                decoded += 1
                // Touch everything a rule or an output might read.
                _ = event.renderedArguments
                _ = event.fsPath
                _ = event.resultString
                _ = event.isOpenRead || event.isOpenWrite || event.isOpenExec
                _ = event.process.cmdline
                _ = event.process.ancestors.count
                _ = event.fd?.name
                for i in 0..<event.parameterCount { _ = event.absolutePath(parameterAt: i) }
            }
            // Round-trip through the binary form too.
            #expect((try? RawEvent.decode(raw.encoded, at: 0))?.0 == raw)
        }
        #expect(decoded > 3_000)
        #expect(decoder.processes.threadCount <= 60)
        #expect(decoder.processes.processCount <= 60)
    }
}
