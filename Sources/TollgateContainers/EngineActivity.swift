import Foundation

/// What the job asked of its container engine through the proxy, gathered from the proxy's
/// thread and read by the gate when the job has ended.
public final class EngineActivity: @unchecked Sendable {
    /// One container the job created.
    public struct Container: Equatable, Sendable {
        /// The engine's id (64 hex), once the engine answered.
        public var id: String?
        public var facts: EngineRequest.ContainerFacts
    }

    private let lock = NSLock()
    private var containersCreated: [Container] = []
    private var unseenActivity: [String] = []
    private var observer: (@Sendable (Container) -> Void)?

    public init() {}

    /// Calls `observer` with each container the job creates from now on, once the engine has
    /// created and described it, before the job learns its id (so before it can start it).
    public func observeCreated(_ observer: @escaping @Sendable (Container) -> Void) {
        lock.withLock { self.observer = observer }
    }

    /// Containers created, in order.
    public var containers: [Container] { lock.withLock { containersCreated } }
    /// What the job had the engine run that the gate cannot follow, in words, each once.
    public var unseen: [String] { lock.withLock { unseenActivity } }

    /// Notes a create request; returns its index for `created(_:id:)`.
    func creating(_ facts: EngineRequest.ContainerFacts) -> Int {
        lock.withLock {
            containersCreated.append(Container(id: nil, facts: facts))
            return containersCreated.count - 1
        }
    }

    /// The container of `creating`'s `index` was created as `id`; `inspection`, the engine's
    /// account of it, replaces what the request asked for.
    func created(_ index: Int, id: String, inspection: EngineRequest.ContainerFacts?) {
        let (container, observer) = lock.withLock {
            containersCreated[index].id = id
            if var inspection {
                inspection.name = inspection.name ?? containersCreated[index].facts.name
                containersCreated[index].facts = inspection
            }
            return (containersCreated[index], self.observer)
        }
        observer?(container)
    }

    func noteUnseen(_ what: String) {
        lock.withLock { if !unseenActivity.contains(what) { unseenActivity.append(what) } }
    }

    /// Whether `reference` (an id, a prefix of one, or a name) names a container the job created.
    func isOwn(_ reference: String) -> Bool { own(reference) != nil }

    /// The container the job created that `reference` names: by name, by its full id, or by an
    /// id prefix of at least 12 characters (the engine looks names up first, so a shorter
    /// prefix could be another container's name). Only creates the engine answered count.
    func own(_ reference: String) -> Container? {
        let name = reference.hasPrefix("/") ? String(reference.dropFirst()) : reference
        return lock.withLock {
            containersCreated.first { container in
                guard let id = container.id else { return false }
                return container.facts.name == name || (name.count >= 12 && id.hasPrefix(name))
            }
        }
    }
}
