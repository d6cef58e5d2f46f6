import Testing
import TollgateEvents

/// How `CIContext` reads the providers' variables; the documented full sets, through every report,
/// are in CIContextEndToEndTests.
struct CIContextTests {
    @Test func aPullRequestNumberComesFromGitHubsMergeRef() {
        let pr = CIContext(environment: ["GITHUB_ACTIONS": "true", "GITHUB_REF": "refs/pull/7/merge"])
        #expect(pr.provider == "github" && pr.pr == "7")
        let branch = CIContext(environment: ["GITHUB_ACTIONS": "true", "GITHUB_REF": "refs/heads/main"])
        #expect(branch.pr == "" && !branch.knownFields.contains { $0.name == "ci.pr" })
        #expect(CIContext(environment: ["GITHUB_ACTIONS": "true", "GITHUB_REF": "refs/pull/x7/merge"]).pr == "")
    }

    @Test func gitHubRunnerKinds() {
        #expect(CIContext(environment: ["GITHUB_ACTIONS": "true", "RUNNER_ENVIRONMENT": "github-hosted"]).runner == "hosted")
        #expect(CIContext(environment: ["GITHUB_ACTIONS": "true", "RUNNER_ENVIRONMENT": "self-hosted"]).runner == "self-hosted")
        #expect(CIContext(environment: ["GITHUB_ACTIONS": "true"]).runner == "")
    }

    @Test func gitLabRefsAsFullRefs() {
        let base = ["GITLAB_CI": "true", "CI_COMMIT_REF_NAME": "feature"]
        #expect(CIContext(environment: base).ref == "feature")
        #expect(CIContext(environment: base.merging(["CI_COMMIT_BRANCH": "main"]) { $1 }).ref == "refs/heads/main")
        #expect(CIContext(environment: base.merging(["CI_MERGE_REQUEST_REF_PATH": "refs/merge-requests/9/head"]) { $1 }).ref
                == "refs/merge-requests/9/head")
        #expect(CIContext(environment: base.merging(["CI_COMMIT_TAG": "v1.2.3", "CI_COMMIT_BRANCH": "main"]) { $1 }).ref
                == "refs/tags/v1.2.3")
    }

    @Test func gitLabRunnerKinds() {
        #expect(CIContext(environment: ["GITLAB_CI": "true", "CI_RUNNER_TAGS": "[\"saas-linux-small-amd64\"]"]).runner == "hosted")
        #expect(CIContext(environment: ["GITLAB_CI": "true", "CI_RUNNER_TAGS": "[\"docker\"]"]).runner == "self-hosted")
    }

    @Test func otherCIAndLocal() {
        #expect(CIContext(environment: ["CI": "true"]).provider == "ci")
        #expect(CIContext(environment: ["CI": "true"]).knownFields.map(\.name) == ["ci.provider"])
        let local = CIContext(environment: ["HOME": "/root"])
        #expect(local.provider == "local" && local.isLocal && local.knownFields.isEmpty)
        // A GitHub variable alone does not make a GitHub run.
        #expect(CIContext(environment: ["GITHUB_REPOSITORY": "octo/app"]).repository == "")
    }
}
