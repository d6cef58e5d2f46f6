import Testing

@testable import TollgateEvents
import TollgateBenchSupport

struct SyntheticRawEventsTests {
    @Test(arguments: Architecture.allCases)
    func everyRecordDecodesAndStateStaysBounded(arch: Architecture) {
        let decoder = EventDecoder(arch: arch, users: TestEvents.users)
        SyntheticRawEvents.seed(decoder)
        let events = SyntheticRawEvents.events(children: 200, arch: arch)
        #expect(events.count == 200 * SyntheticRawEvents.eventsPerChild)
        var types: [String: Int] = [:]
        var sensitive = 0
        for raw in events {
            guard let event = decoder.decode(raw) else { continue }
            types[event.name, default: 0] += 1
            if event.name == "openat", event.fd?.name == "/etc/shadow", event.isOpenRead { sensitive += 1 }
        }
        #expect(decoder.unknownSyscallCount == 0)
        #expect(decoder.eventCount == UInt64(events.count))
        #expect(types["execve"] == 200 && types["clone"] == 200 && types["procexit"] == 200)
        #expect(types["connect"] == 200 && types["renameat2"] == 200)
        #expect(sensitive == 4)
        #expect(decoder.processes.processCount == 1)
    }

    @Test func relativeOpensResolveAgainstTheJobDirectory() throws {
        let decoder = EventDecoder(arch: .x86_64, users: TestEvents.users)
        SyntheticRawEvents.seed(decoder)
        var names: Set<ByteString> = []
        for raw in SyntheticRawEvents.events(children: 4, arch: .x86_64) {
            if let event = decoder.decode(raw), event.name == "openat", let name = event.fd?.name { names.insert(name) }
        }
        #expect(names.contains("/home/runner/work/app/src/main.c"))
        #expect(names.contains("/home/runner/work/include/util.h"))
    }
}
