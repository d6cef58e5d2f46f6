/// The CI pipeline, job and step a run belongs to, read from the provider's documented
/// variables in the gate's own environment (the job cannot change it): GitHub Actions
/// (`GITHUB_*`, `RUNNER_*`) and GitLab CI (`CI_*`, `GITLAB_*`). Empty where unknown; the rule
/// fields `ci.*` and every report carry it.
public struct CIContext: Sendable, Equatable {
    /// `github`, `gitlab`, `ci` (some other CI: `CI=true`) or `local`.
    public var provider = "local"
    /// `owner/name` (GitHub) or the project path (GitLab).
    public var repository = ""
    /// Web address of the repository, for SARIF's version-control provenance.
    public var repositoryURL = ""
    /// The full ref: `refs/heads/main`, `refs/tags/v1`, `refs/pull/7/merge`.
    public var ref = ""
    public var sha = ""
    /// What started the pipeline: GitHub's event name (`push`, `pull_request`), GitLab's
    /// pipeline source (`push`, `merge_request_event`).
    public var event = ""
    /// The pull or merge request number, when the run is for one.
    public var pr = ""
    public var workflow = ""
    public var job = ""
    /// The step's id (GitHub's `GITHUB_ACTION`); GitLab jobs have no steps.
    public var step = ""
    public var runID = ""
    public var runAttempt = ""
    public var actor = ""
    /// `hosted` or `self-hosted`.
    public var runner = ""
    /// The provider's job-control files, absolute and normalized: a line written to one sets a
    /// variable, a PATH entry, an output or state for the steps that follow (GitHub's
    /// `GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`,
    /// whatever the provider: runners that mimic GitHub's set them too).
    public var jobControlFiles: Set<ByteString> = []

    public init() {}

    /// The variables each provider sets for the values it states as they are.
    private static let gitHubVariables: [(WritableKeyPath<CIContext, String> & Sendable, String)] = [
        (\.repository, "GITHUB_REPOSITORY"), (\.ref, "GITHUB_REF"), (\.sha, "GITHUB_SHA"), (\.event, "GITHUB_EVENT_NAME"),
        (\.workflow, "GITHUB_WORKFLOW"), (\.job, "GITHUB_JOB"), (\.step, "GITHUB_ACTION"), (\.runID, "GITHUB_RUN_ID"),
        (\.runAttempt, "GITHUB_RUN_ATTEMPT"), (\.actor, "GITHUB_ACTOR"),
    ]
    /// Whether `path` (absolute, normalized) is one of `jobControlFiles`.
    public func isJobControlFile(_ path: ByteString?) -> Bool { path.map(jobControlFiles.contains) ?? false }

    /// GitHub's environment files ("workflow commands" written to files).
    static let gitHubJobControlVariables = ["GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"]
    private static let gitLabVariables: [(WritableKeyPath<CIContext, String> & Sendable, String)] = [
        (\.repository, "CI_PROJECT_PATH"), (\.repositoryURL, "CI_PROJECT_URL"), (\.sha, "CI_COMMIT_SHA"),
        (\.event, "CI_PIPELINE_SOURCE"), (\.pr, "CI_MERGE_REQUEST_IID"), (\.workflow, "CI_PIPELINE_NAME"),
        (\.job, "CI_JOB_NAME"), (\.runID, "CI_PIPELINE_ID"), (\.actor, "GITLAB_USER_LOGIN"),
    ]

    /// The context `environment` describes.
    public init(environment: [String: String]) {
        func value(_ name: String) -> String { environment[name] ?? "" }
        func read(_ variables: [(WritableKeyPath<CIContext, String> & Sendable, String)]) {
            for (field, name) in variables { self[keyPath: field] = value(name) }
        }
        if value("GITHUB_ACTIONS") == "true" {
            provider = "github"
            read(Self.gitHubVariables)
            let server = value("GITHUB_SERVER_URL")
            repositoryURL = server.isEmpty || repository.isEmpty ? "" : server + "/" + repository
            pr = Self.number(in: ref, between: "refs/pull/", and: "/")
            runner = ["github-hosted": "hosted", "self-hosted": "self-hosted"][value("RUNNER_ENVIRONMENT")] ?? ""
        } else if value("GITLAB_CI") == "true" {
            provider = "gitlab"
            read(Self.gitLabVariables)
            ref = !value("CI_COMMIT_TAG").isEmpty ? "refs/tags/" + value("CI_COMMIT_TAG")
                : !value("CI_MERGE_REQUEST_REF_PATH").isEmpty ? value("CI_MERGE_REQUEST_REF_PATH")
                : !value("CI_COMMIT_BRANCH").isEmpty ? "refs/heads/" + value("CI_COMMIT_BRANCH")
                : value("CI_COMMIT_REF_NAME")
            // GitLab.com's hosted runners carry `saas-...` tags; any other runner is the project's.
            let tags = value("CI_RUNNER_TAGS")
            runner = tags.isEmpty ? "" : tags.contains("saas-") ? "hosted" : "self-hosted"
        } else if value("CI") == "true" {
            provider = "ci"
        }
        // Whoever set them (GitHub, or a runner that mimics it, such as act).
        jobControlFiles = Set(Self.gitHubJobControlVariables.map(value).filter { $0.hasPrefix("/") }
            .map { PathNormalization.normalize(ByteString($0)) })
    }

    /// The rule fields (`ci.provider` ... `ci.runner`) and the value each reads, in a fixed order.
    public static let fieldKeyPaths: [(name: String, value: WritableKeyPath<CIContext, String> & Sendable)] = [
        ("ci.provider", \.provider), ("ci.repository", \.repository), ("ci.ref", \.ref), ("ci.sha", \.sha),
        ("ci.event", \.event), ("ci.pr", \.pr), ("ci.workflow", \.workflow), ("ci.job", \.job), ("ci.step", \.step),
        ("ci.run_id", \.runID), ("ci.run_attempt", \.runAttempt), ("ci.actor", \.actor), ("ci.runner", \.runner),
    ]

    /// Every value, for transforming them all (masking): the fields' and the repository's address.
    public static let valueKeyPaths: [WritableKeyPath<CIContext, String> & Sendable] = fieldKeyPaths.map(\.value) + [\.repositoryURL]

    /// No CI: the run is on a developer's machine (the reports then say nothing of CI).
    public var isLocal: Bool { provider == "local" }

    /// The fields that say something, for the reports: none for a local run.
    public var knownFields: [(name: String, value: String)] {
        isLocal ? [] : fields.filter { !$0.value.isEmpty }
    }

    /// Every field under its rule-field name (`ci.provider` ... `ci.runner`), in a fixed order.
    public var fields: [(name: String, value: String)] {
        Self.fieldKeyPaths.map { ($0.name, self[keyPath: $0.value]) }
    }

    /// The digits after `prefix` up to `end` (`refs/pull/7/merge` -> `7`), or "".
    private static func number(in text: String, between prefix: String, and end: Character) -> String {
        guard text.hasPrefix(prefix) else { return "" }
        let digits = text.dropFirst(prefix.count).prefix { $0 != end }
        return !digits.isEmpty && digits.allSatisfy(\.isNumber) ? String(digits) : ""
    }
}
