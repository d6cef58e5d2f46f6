#!/usr/bin/env bash
# Runs the GitHub action's step scripts for real, with the GITHUB_* variables and files a runner
# gives them, on a job that violates a rule and one that does not.
#   harness.sh TOLLGATE [RELEASE_DIR]   RELEASE_DIR: out/ of scripts/release.sh, to test the
#                                       download + checksum install path over file://
set -euo pipefail
harness=github-harness
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/../lib.sh"
tollgate=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
release_dir=${2:-}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
workspace="$scratch/workspace"
mkdir -p "$workspace/.github/workflows" "$scratch/runner"
cp "$here/workflow.yml" "$workspace/.github/workflows/tollgate.yml"
marker_rules "$workspace/rules.yaml"
gate_line=$(grep -n -- '- id: gate' "$workspace/.github/workflows/tollgate.yml" | cut -d: -f1)

export GITHUB_ACTIONS=true CI=true
export GITHUB_WORKSPACE="$workspace" GITHUB_ACTION_PATH="$repo/actions/run"
export GITHUB_WORKFLOW_REF="octo/app/.github/workflows/tollgate.yml@refs/heads/main"
export GITHUB_JOB=gate GITHUB_ACTION=gate RUNNER_TEMP="$scratch/runner"

# run_step NAME SCRIPT: a fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY per step, like a runner.
run_step() {
    export GITHUB_OUTPUT="$scratch/$1.output" GITHUB_STEP_SUMMARY="$scratch/$1.summary"
    : > "$GITHUB_OUTPUT"; : > "$GITHUB_STEP_SUMMARY"
    status=0
    (cd "$workspace" && "$GITHUB_ACTION_PATH/$2") > "$scratch/$1.stdout" 2> "$scratch/$1.stderr" || status=$?
}
output_of() { grep "^$2=" "$scratch/$1.output" | tail -1 | cut -d= -f2-; }

echo "$harness: install from tollgate-path"
TOLLGATE_PATH="$tollgate" run_step install install.sh
check "install exits 0" test "$status" -eq 0
check "install outputs the path" test "$(output_of install tollgate)" = "$tollgate"
TOLLGATE_PATH="$scratch/missing" run_step install-missing install.sh
check "a missing tollgate-path fails with an annotation" contains "$scratch/install-missing.stdout" '::error title=tollgate install::'

if [ -n "$release_dir" ]; then
    echo "$harness: install a release over file://, checked against the checksum pinned in the action"
    version=$("$tollgate" --version)
    mkdir -p "$scratch/releases/v$version" "$scratch/released/actions" "$scratch/released/templates"
    cp "$release_dir"/tollgate-"$version"-linux-*.tar.gz "$scratch/releases/v$version/"
    # The action as tagged at the release: scripts/pin-release ran in the release commit.
    cp -r "$repo/actions/run" "$scratch/released/actions/"
    cp "$repo/templates/tollgate.yml" "$scratch/released/templates/"
    "$repo/scripts/pin-release" "$release_dir" "$scratch/released" > /dev/null
    export GITHUB_ACTION_PATH="$scratch/released/actions/run"
    TOLLGATE_ACTION_REF="v$version" TOLLGATE_RELEASE_URL="file://$scratch/releases" run_step install-release install.sh
    check "release install at the action's tag exits 0" test "$status" -eq 0
    installed=$(output_of install-release tollgate)
    check "the installed release runs" "$installed" --version
    TOLLGATE_ACTION_REF=v1 TOLLGATE_RELEASE_URL="file://$scratch/releases" RUNNER_TEMP="$scratch/runner-major" run_step install-major install.sh
    check "the action used at a major tag (@v1) installs the release it pins" test "$status" -eq 0
    check "which is this release" test "$("$(output_of install-major tollgate)" --version)" = "$version"
    mkdir -p "$scratch/unpinned"
    cp -r "$repo/actions/run" "$scratch/unpinned/"
    sed -i '/^[^#]/d' "$scratch/unpinned/run/SHA256SUMS"
    export GITHUB_ACTION_PATH="$scratch/unpinned/run"
    TOLLGATE_ACTION_REF=main TOLLGATE_RELEASE_URL="file://$scratch/releases" RUNNER_TEMP="$scratch/runner-main" run_step install-branch install.sh
    check "the action at a commit that pins no release, used at a branch without a version input, fails" test "$status" -ne 0
    check "and says to set the version" contains "$scratch/install-branch.stdout" "used at 'main', which names no release"
    export GITHUB_ACTION_PATH="$scratch/released/actions/run"
    TOLLGATE_VERSION=9.9.9 TOLLGATE_RELEASE_URL="file://$scratch/releases" RUNNER_TEMP="$scratch/runner-unpinned" run_step install-unpinned install.sh
    check "a version the action does not pin is refused" test "$status" -ne 0
    check "and says so" contains "$scratch/install-unpinned.stdout" 'pins no checksum'
    # A tarball swapped at the release URL; a SHA256SUMS beside it is never consulted.
    tampered="$scratch/releases/v$version/$(basename "$release_dir"/tollgate-"$version"-linux-*.tar.gz)"
    printf 'tampered' >> "$tampered"
    (cd "$scratch/releases/v$version" && sha256sum ./*.tar.gz | sed 's| \./| |' > SHA256SUMS)
    TOLLGATE_ACTION_REF="v$version" TOLLGATE_RELEASE_URL="file://$scratch/releases" RUNNER_TEMP="$scratch/runner2" run_step install-tampered install.sh
    check "a tarball that does not match the pinned checksum fails the install" test "$status" -ne 0
    check "and says so" contains "$scratch/install-tampered.stdout" 'checksum mismatch'
    export GITHUB_ACTION_PATH="$repo/actions/run"
fi

export TOLLGATE_BIN="$tollgate" TOLLGATE_RULES="$workspace/rules.yaml" TOLLGATE_FAIL_ON=warning
export TOLLGATE_BACKEND=auto TOLLGATE_SUDO=auto
echo "$harness: a job that violates a rule"
TOLLGATE_RUN="$marker_job" run_step violation gate.sh
cat "$scratch/violation.stdout" "$scratch/violation.stderr" | sed 's/^/    | /' | head -20
check "the step fails with tollgate's exit 3" test "$status" -eq 3
check "verdict=fail" test "$(output_of violation verdict)" = fail
check "exit-code=3" test "$(output_of violation exit-code)" = 3
check "sarif output is the absolute report path" test "$(output_of violation sarif)" = "$workspace/tollgate.sarif"
for report in sarif junit json; do
    check "$report report exists" test -s "$(output_of violation "$report")"
done
check "an ::error annotation names the rule" contains "$scratch/violation.stdout" '::error.*Integration marker ran'
check "the job summary names the rule" contains "$scratch/violation.summary" 'Integration marker ran'
check "SARIF result anchored at the workflow's gate step (line $gate_line)" python3 - "$workspace/tollgate.sarif" "$gate_line" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
results = [r for run in log["runs"] for r in run.get("results", [])]
physical = results[0]["locations"][0]["physicalLocation"]
ok = any(r["ruleId"] for r in results) and physical["artifactLocation"]["uri"] == ".github/workflows/tollgate.yml" \
    and physical["region"]["startLine"] == int(sys.argv[2])
print("    SARIF anchor:", physical["artifactLocation"]["uri"], physical["region"].get("startLine"))
sys.exit(0 if ok else 1)
PY

echo "$harness: a clean job"
rm -f "$workspace"/tollgate*
TOLLGATE_RUN="$clean_job" TOLLGATE_SUDO=false TOLLGATE_BACKEND=ptrace run_step clean gate.sh
check "the step passes" test "$status" -eq 0
check "verdict=pass" test "$(output_of clean verdict)" = pass
check "exit-code=0" test "$(output_of clean exit-code)" = 0
check "the job's output passes through" contains "$scratch/clean.stdout" 'job done'
check "no ::error annotation" lacks "$scratch/clean.stdout" '::error'
check "the job summary has a verdict" test -s "$scratch/clean.summary"
check "JUnit written" test -s "$workspace/tollgate-junit.xml"

echo "$harness: deny-on and kill-on inputs"
rm -f "$workspace"/tollgate*
TOLLGATE_RUN="$marker_job" TOLLGATE_SUDO=false TOLLGATE_BACKEND=ptrace TOLLGATE_DENY_ON=error run_step deny gate.sh
check "a denied exec fails the step with exit 3" test "$status" -eq 3
check "the marker never ran" lacks "$scratch/deny.stdout" 'job done'
check "the JSON finding's rule fired" contains "$workspace/tollgate.json" 'Integration marker ran'
check "SARIF says it was denied" contains "$workspace/tollgate.sarif" '"action": "denied"'
TOLLGATE_RUN="$marker_job" TOLLGATE_SUDO=false TOLLGATE_BACKEND=ptrace TOLLGATE_KILL_ON=error run_step kill gate.sh
check "kill-on fails the step with exit 3" test "$status" -eq 3
check "the job was killed before it went on" lacks "$scratch/kill.stdout" 'job done'
check "SARIF names the kill" contains "$workspace/tollgate.sarif" 'tollgate/job-killed'

echo "$harness: a failing job without findings keeps the job's status"
TOLLGATE_RUN='exit 5' TOLLGATE_SUDO=false run_step failing gate.sh
check "the step exits 5" test "$status" -eq 5
check "verdict=fail, exit-code=5" test "$(output_of failing verdict)/$(output_of failing exit-code)" = fail/5
finish
