/// A process's fd table: dense storage for small fd numbers, a dictionary above.
public final class FdTable {
    static let denseLimit = 4096
    private var dense: [FdInfo?] = []
    private var sparse: [Int64: FdInfo] = [:]
    /// Number of open fds known.
    public private(set) var count = 0

    public init() {}

    /// The fd with this number, or nil when unknown (closed, or opened before the capture).
    @inline(__always)
    public subscript(fd: Int64) -> FdInfo? {
        if fd >= 0 && fd < Int64(dense.count) { return dense[Int(fd)] }
        if fd >= Int64(Self.denseLimit) { return sparse[fd] }
        return nil
    }

    func set(_ fd: Int64, _ info: FdInfo?) {
        guard fd >= 0 else { return }
        let old: FdInfo?
        if fd < Int64(Self.denseLimit) {
            if fd >= Int64(dense.count) {
                guard info != nil else { return }
                dense.append(contentsOf: repeatElement(nil, count: Int(fd) - dense.count + 1))
            }
            old = dense[Int(fd)]
            dense[Int(fd)] = info
        } else {
            old = sparse[fd]
            sparse[fd] = info
        }
        count += (info != nil ? 1 : 0) - (old != nil ? 1 : 0)
    }

    func remove(_ fd: Int64) { set(fd, nil) }

    /// Closes fds `first...last` (close_range).
    func removeRange(_ first: Int64, _ last: Int64) {
        guard first <= last else { return }
        let denseEnd = min(last, Int64(dense.count) - 1)
        if first <= denseEnd {
            for fd in first...denseEnd { set(fd, nil) }
        }
        for fd in sparse.keys where fd >= first && fd <= last { set(fd, nil) }
    }

    /// The lowest free fd number at or above `minimum` (for F_DUPFD when the result is unknown).
    func lowestFree(from minimum: Int64) -> Int64 {
        var fd = max(0, minimum)
        while self[fd] != nil { fd += 1 }
        return fd
    }

    /// A new table with the same entries (fork without CLONE_FILES).
    func copy() -> FdTable {
        let table = FdTable()
        table.dense = dense
        table.sparse = sparse
        table.count = count
        return table
    }

    /// A new table with copies of the entries: changing one changes nothing here.
    func detachedCopy() -> FdTable {
        let table = FdTable()
        for fd in all {
            let copy = fd.duplicate(as: fd.number)
            copy.closeOnExec = fd.closeOnExec
            table.set(fd.number, copy)
        }
        return table
    }

    /// Every open fd, in fd order.
    public var all: [FdInfo] {
        dense.compactMap { $0 } + sparse.keys.sorted().compactMap { sparse[$0] }
    }
}
