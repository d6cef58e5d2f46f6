/// What every event of one run shares and no record carries: the machine's users and groups,
/// the CI pipeline the run belongs to, and the containers its engine described.
public final class RunFacts: Sendable {
    public let users: UserDatabase
    public let ci: CIContext
    public let containers: ContainerTable

    public init(users: UserDatabase = UserDatabase(), ci: CIContext = CIContext(), containers: ContainerTable = ContainerTable()) {
        self.users = users
        self.ci = ci
        self.containers = containers
    }
}
