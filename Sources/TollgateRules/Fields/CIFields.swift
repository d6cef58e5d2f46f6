import TollgateEvents

/// `ci.*`: the CI pipeline, job and step the run belongs to (`CIContext`), the same for every
/// event; empty where the provider does not say. Rules can be scoped with them, e.g. stricter
/// on `ci.event = pull_request`.
enum CIFields {
    static let all: [FieldDefinition] = CIContext.fieldKeyPaths.map { field in
        FieldDefinition(field.name, .charbuf, docs[field.name] ?? "", .string { ByteString($0.facts.ci[keyPath: field.value]) })
    }

    /// What each field means, by name.
    static let docs: [String: String] = [
        "ci.provider": "The CI provider: github, gitlab, ci (another CI, CI=true) or local.",
        "ci.repository": "The repository: owner/name (GitHub) or the project path (GitLab).",
        "ci.ref": "The full git ref the pipeline runs for, e.g. refs/heads/main or refs/pull/7/merge.",
        "ci.sha": "The commit the pipeline runs for.",
        "ci.event": "What started the pipeline: GitHub's event name, GitLab's pipeline source.",
        "ci.pr": "The pull or merge request number, when the pipeline runs for one.",
        "ci.workflow": "The workflow (GitHub) or pipeline (GitLab) name.",
        "ci.job": "The job's name.",
        "ci.step": "The step's id (GitHub); GitLab jobs have no steps.",
        "ci.run_id": "The workflow run (GitHub) or pipeline (GitLab) id.",
        "ci.run_attempt": "The run attempt (GitHub).",
        "ci.actor": "Who started the pipeline.",
        "ci.runner": "hosted or self-hosted, when the provider says.",
    ]
}
