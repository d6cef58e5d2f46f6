#!/usr/bin/env bash
# Runs the GitLab component's script section for real, rendered with its inputs, under the
# variables a GitLab runner sets, on a job that violates a rule and one that does not.
#   harness.sh TOLLGATE [RELEASE_DIR]   RELEASE_DIR: out/ of scripts/release.sh, to test the
#                                       download + checksum path over file://
#   PYTHON (default python3) must have ruamel.yaml.
set -euo pipefail
harness=gitlab-harness
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
. "$here/../lib.sh"
tollgate=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
release_dir=${2:-}
python=${PYTHON:-python3}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
workspace="$scratch/project"
mkdir -p "$workspace" "$scratch/bin"
cp "$here/gitlab-ci.yml" "$workspace/.gitlab-ci.yml"
marker_rules "$workspace/rules.yaml"
ln -s "$tollgate" "$scratch/bin/tollgate"
job_line=$(grep -n '^tollgate:' "$workspace/.gitlab-ci.yml" | cut -d: -f1)

export GITLAB_CI=true CI=true CI_CONFIG_PATH=.gitlab-ci.yml CI_PROJECT_DIR="$workspace"
export CI_JOB_NAME=tollgate CI_JOB_STAGE=test CI_BUILDS_DIR="$scratch/builds"
unset GITHUB_ACTIONS GITHUB_WORKFLOW_REF GITHUB_STEP_SUMMARY

component="$repo/templates/tollgate.yml"
# run_job NAME PATH INPUTS...: render the component's script with INPUTS, run it in the project.
run_job() {
    local name=$1 path=$2; shift 2
    "$python" "$here/render.py" script "$component" tollgate "$@" > "$scratch/$name.sh"
    rm -f "$workspace"/gl-*
    status=0
    (cd "$workspace" && PATH="$path" bash "$scratch/$name.sh") > "$scratch/$name.out" 2>&1 || status=$?
}

echo "$harness: a job that violates a rule"
run_job violation "$scratch/bin:$PATH" "command=$marker_job" rules=rules.yaml
sed 's/^/    | /' "$scratch/violation.out" | head -20
check "the job fails with exit 3" test "$status" -eq 3
check "JUnit report has a failing testcase for the rule" python3 - "$workspace/gl-tollgate-junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = [c for c in root.iter("testcase") if "Integration marker ran" in (c.get("name") or "")]
sys.exit(0 if cases and cases[0].find("failure") is not None else 1)
PY
check "Code Quality report: issues with description, check_name, unique fingerprint, severity, location" python3 - "$workspace/gl-code-quality-report.json" <<'PY'
import json, sys
issues = json.load(open(sys.argv[1]))
ok = isinstance(issues, list) and issues and len({i["fingerprint"] for i in issues}) == len(issues) and all(
    i["description"] and i["check_name"] and i["severity"] in ("info", "minor", "major", "critical", "blocker")
    and i["location"]["path"] and ("lines" in i["location"] or "positions" in i["location"]) for i in issues)
print("    codequality:", [(i["check_name"], i["severity"], i["location"]["path"]) for i in issues][:3])
sys.exit(0 if ok else 1)
PY
check "SARIF and JSON artifacts written" test -s "$workspace/gl-tollgate.sarif" -a -s "$workspace/gl-tollgate.json"
check "SARIF anchored at the job in .gitlab-ci.yml (line $job_line)" python3 - "$workspace/gl-tollgate.sarif" "$job_line" <<'PY'
import json, sys
physical = json.load(open(sys.argv[1]))["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
print("    SARIF anchor:", physical["artifactLocation"]["uri"], physical["region"].get("startLine"))
sys.exit(0 if physical["artifactLocation"]["uri"] == ".gitlab-ci.yml" and physical["region"]["startLine"] == int(sys.argv[2]) else 1)
PY

echo "$harness: a clean job"
run_job clean "$scratch/bin:$PATH" "command=$clean_job" rules=rules.yaml backend=ptrace
check "the job passes" test "$status" -eq 0
check "the job's output passes through" contains "$scratch/clean.out" 'job done'
check "JUnit and Code Quality reports written" test -s "$workspace/gl-tollgate-junit.xml" -a -f "$workspace/gl-code-quality-report.json"
check "Code Quality report is an empty array" python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != [])' "$workspace/gl-code-quality-report.json"

echo "$harness: empty fail-on and backend leave .tollgate.yaml in charge"
printf 'fail_on: critical\n' > "$workspace/.tollgate.yaml"
run_job config "$scratch/bin:$PATH" "command=$marker_job" rules=rules.yaml
check "the config's fail_on (critical) lets the marker's ERROR pass" test "$status" -eq 0
check "while the finding is still reported" contains "$scratch/config.out" 'Integration marker ran'
rm "$workspace/.tollgate.yaml"

echo "$harness: deny-on refuses the marker's exec before it runs"
run_job deny "$scratch/bin:$PATH" "command=$marker_job" rules=rules.yaml backend=ptrace deny-on=error
check "the job fails with tollgate's exit 3" test "$status" -eq 3
check "the marker never ran" lacks "$scratch/deny.out" 'job done'
check "the finding says denied" contains "$scratch/deny.out" 'Integration marker ran \[denied\]'
run_job kill "$scratch/bin:$PATH" "command=$marker_job" rules=rules.yaml backend=ptrace kill-on=error
check "kill-on kills the job with exit 3" test "$status" -eq 3
check "the job was killed before it went on" lacks "$scratch/kill.out" 'job done'
check "kill-on outside its options" bash -c '! "$0" "$1/render.py" script "$2/templates/tollgate.yml" tollgate command=x kill-on=loud 2>/dev/null' "$python" "$here" "$repo"

echo "$harness: a bad input is refused like GitLab does"
check "fail-on outside its options" bash -c '! "$0" "$1/render.py" script "$2/templates/tollgate.yml" tollgate command=x fail-on=severe 2>/dev/null' "$python" "$here" "$repo"
check "command is required" bash -c '! "$0" "$1/render.py" script "$2/templates/tollgate.yml" tollgate 2>/dev/null' "$python" "$here" "$repo"

if [ -n "$release_dir" ]; then
    echo "$harness: tollgate not on PATH: download the component's release over file://, checked against its pinned checksum"
    version=$("$tollgate" --version)
    mkdir -p "$scratch/releases/v$version" "$scratch/released/actions/run" "$scratch/released/templates"
    cp "$release_dir"/tollgate-"$version"-linux-*.tar.gz "$scratch/releases/v$version/"
    # The component as tagged at the release: scripts/pin-release ran in the release commit.
    cp "$repo/templates/tollgate.yml" "$scratch/released/templates/"
    "$repo/scripts/pin-release" "$release_dir" "$scratch/released" > /dev/null
    component="$scratch/released/templates/tollgate.yml"
    run_job download "/usr/bin:/bin" "command=$clean_job" rules=rules.yaml "component.version=$version" "release-url=file://$scratch/releases"
    check "the downloaded release gates the job" test "$status" -eq 0
    check "it ran the job" contains "$scratch/download.out" 'job done'
    run_job branch "/usr/bin:/bin" "command=$clean_job" rules=rules.yaml "release-url=file://$scratch/releases"
    check "the component used at a branch (no component.version) installs the release it pins" test "$status" -eq 0
    check "it ran the job" contains "$scratch/branch.out" 'job done'
    sed '/^      [0-9a-f]\{64\}  /d' "$component" > "$scratch/unpinned.yml"
    component="$scratch/unpinned.yml"
    run_job unpinned "/usr/bin:/bin" "command=$clean_job" rules=rules.yaml "release-url=file://$scratch/releases"
    check "a component that pins no release, used at a branch without a version input, fails" test "$status" -ne 0
    check "and says to set the version" contains "$scratch/unpinned.out" 'names no release and pins no single release'
    component="$scratch/released/templates/tollgate.yml"
    tarball="$scratch/releases/v$version/$(basename "$release_dir"/tollgate-"$version"-linux-*.tar.gz)"
    printf 'tampered' >> "$tarball"
    rm -rf "$CI_BUILDS_DIR/.tollgate"
    run_job tampered "/usr/bin:/bin" "command=$clean_job" rules=rules.yaml "component.version=$version" "release-url=file://$scratch/releases"
    check "a tarball that does not match the pinned checksum is refused" test "$status" -ne 0
    check "and says so" contains "$scratch/tampered.out" 'checksum mismatch'
    check "the job did not run" lacks "$scratch/tampered.out" 'job done'
fi
finish
