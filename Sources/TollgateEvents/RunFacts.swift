/// What every event of one run shares and no record carries: the machine's users and groups,
/// and the CI pipeline the run belongs to.
public final class RunFacts: Sendable {
    public let users: UserDatabase
    public let ci: CIContext

    public init(users: UserDatabase = UserDatabase(), ci: CIContext = CIContext()) {
        self.users = users
        self.ci = ci
    }
}
