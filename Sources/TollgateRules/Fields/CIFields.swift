import TollgateEvents

/// `ci.*`: the CI pipeline, job and step the run belongs to (`CIContext`), the same for every
/// event; empty where the provider does not say. Rules can be scoped with them, e.g. stricter
/// on `ci.event = pull_request`.
enum CIFields {
    static let all: [FieldDefinition] = [
        field("ci.provider", "The CI provider: github, gitlab, ci (another CI, CI=true) or local.", \.provider),
        field("ci.repository", "The repository: owner/name (GitHub) or the project path (GitLab).", \.repository),
        field("ci.ref", "The full git ref the pipeline runs for, e.g. refs/heads/main or refs/pull/7/merge.", \.ref),
        field("ci.sha", "The commit the pipeline runs for.", \.sha),
        field("ci.event", "What started the pipeline: GitHub's event name, GitLab's pipeline source.", \.event),
        field("ci.pr", "The pull or merge request number, when the pipeline runs for one.", \.pr),
        field("ci.workflow", "The workflow (GitHub) or pipeline (GitLab) name.", \.workflow),
        field("ci.job", "The job's name.", \.job),
        field("ci.step", "The step's id (GitHub); GitLab jobs have no steps.", \.step),
        field("ci.run_id", "The workflow run (GitHub) or pipeline (GitLab) id.", \.runID),
        field("ci.run_attempt", "The run attempt (GitHub).", \.runAttempt),
        field("ci.actor", "Who started the pipeline.", \.actor),
        field("ci.runner", "hosted or self-hosted, when the provider says.", \.runner),
    ]

    private static func field(_ name: String, _ doc: String, _ value: KeyPath<CIContext, String> & Sendable) -> FieldDefinition {
        FieldDefinition(name, .charbuf, doc, .string { ByteString($0.facts.ci[keyPath: value]) })
    }
}
