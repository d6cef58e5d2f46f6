import CTollgate
import Foundation
import Testing
@testable import TollgateCapture
import TollgateBenchSupport

/// The minimal kernel BTF the eBPF backend relocates against (`tg_core_btf_build`): the
/// kernel types the capture program reads must come out exactly as the kernel's full BTF
/// describes them, member by member, nested anonymous members included.
struct CoreBTFTests {
    static let vmlinux = "/sys/kernel/btf/vmlinux"

    /// (name, bit offset) of every member of struct `name`, anonymous members flattened.
    static func layout(_ btf: OpaquePointer, _ name: String) -> [String]? {
        let id = btf__find_by_name_kind(btf, name, UInt32(BTF_KIND_STRUCT))
        guard id > 0, let type = btf__type_by_id(btf, UInt32(id)) else { return nil }
        var members: [String] = ["size \(type.pointee.size)"]
        func walk(_ type: UnsafePointer<btf_type>, at base: UInt32, depth: Int) {
            let kind = btf_kind(type)
            guard kind == UInt16(BTF_KIND_STRUCT) || kind == UInt16(BTF_KIND_UNION), depth < 8 else { return }
            for index in 0..<Int(btf_vlen(type)) {
                let member = btf_members(type)! + index
                let offset = base + btf_member_bit_offset(type, UInt32(index))
                let memberName = String(cString: btf__name_by_offset(btf, member.pointee.name_off))
                if memberName.isEmpty, let inner = btf__type_by_id(btf, member.pointee.type) {
                    walk(Self.skipModifiers(btf, inner), at: offset, depth: depth + 1)
                } else {
                    members.append("\(memberName)@\(offset)")
                }
            }
        }
        walk(type, at: 0, depth: 0)
        return members
    }

    static func skipModifiers(_ btf: OpaquePointer, _ type: UnsafePointer<btf_type>) -> UnsafePointer<btf_type> {
        var type = type
        while [BTF_KIND_TYPEDEF, BTF_KIND_CONST, BTF_KIND_VOLATILE, BTF_KIND_RESTRICT, BTF_KIND_TYPE_TAG]
            .map({ UInt16($0) }).contains(btf_kind(type)), let next = btf__type_by_id(btf, type.pointee.type) {
            type = next
        }
        return type
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: vmlinux), "needs the kernel's BTF (/sys/kernel/btf/vmlinux)"))
    func theKernelTypesTheProgramReadsKeepTheirLayout() throws {
        let memfd = EmbeddedBPF.capture.withUnsafeBytes { tg_core_btf_build($0.baseAddress, $0.count, Self.vmlinux) }
        try #require(memfd >= 0, "tg_core_btf_build: \(String(cString: strerror(-memfd)))")
        defer { close(memfd) }
        let minimal = try #require(btf__parse("/proc/self/fd/\(memfd)", nil), "the minimal BTF does not parse")
        defer { btf__free(minimal) }
        let full = try #require(btf__load_vmlinux_btf())
        defer { btf__free(full) }

        for name in ["task_struct", "cred", "mm_struct", "fs_struct", "files_struct", "fdtable", "file", "path",
                     "dentry", "qstr", "vfsmount", "mount", "linux_binprm", "socket", "sock", "sock_common", "pt_regs"] {
            let expected = try #require(Self.layout(full, name), "the kernel has no struct \(name)")
            #expect(Self.layout(minimal, name) == expected, "struct \(name) differs")
        }
        let functions = btf__find_by_name_kind(minimal, "bpf_func_id", UInt32(BTF_KIND_ENUM))
        #expect(functions > 0, "the enum bpf_func_id (for the bpf_loop check) is copied")
        // Small: a few hundred types against the kernel's ~126,000.
        #expect(btf__type_cnt(minimal) * 50 < btf__type_cnt(full), "\(btf__type_cnt(minimal)) types")
    }

    @Test func aFileThatIsNotBTFIsRefused() throws {
        let build = { (path: String) in EmbeddedBPF.capture.withUnsafeBytes { tg_core_btf_build($0.baseAddress, $0.count, path) } }
        #expect(build("/etc/hostname") == -EINVAL)
        #expect(build("/nonexistent") == -ENOENT)
        let floor = FloorBPF.object.withUnsafeBytes { tg_core_btf_build($0.baseAddress, $0.count, Self.vmlinux) }
        #expect(floor == -ENODATA, "the floor program reads no kernel type")
        let notAnObject: [UInt8] = Array("not an ELF object".utf8)
        #expect(notAnObject.withUnsafeBytes { tg_core_btf_build($0.baseAddress, $0.count, Self.vmlinux) } == -EINVAL)
    }
}
