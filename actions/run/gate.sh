#!/usr/bin/env bash
# Step 2 of the tollgate action: run TOLLGATE_RUN under the gate, then write the step outputs
# sarif, junit, json (absolute paths), verdict (pass|fail) and exit-code, and exit with
# tollgate's status so the step fails on a blocking finding. tollgate itself appends the job
# summary to GITHUB_STEP_SUMMARY and prints ::error annotations.
#
# Privileges (TOLLGATE_SUDO): auto uses passwordless sudo when there is one (eBPF), and drops
# back to the runner's user for the job itself with setpriv; false never uses sudo (ptrace).
set -euo pipefail

fail() { echo "::error title=tollgate::$*"; echo "tollgate action: error: $*" >&2; exit 64; }
output() { echo "$1=$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"; }
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

binary=${TOLLGATE_BIN:?the install step wrote no tollgate path}
[ -n "${TOLLGATE_RUN:-}" ] || fail "the 'run' input is empty; give the command to gate, e.g. 'run: make test'"

sarif=$(absolute "${TOLLGATE_SARIF:-tollgate.sarif}")
junit=$(absolute "${TOLLGATE_JUNIT:-tollgate-junit.xml}")
json=$(absolute "${TOLLGATE_JSON:-tollgate.json}")
arguments=(run --sarif "$sarif" --junit "$junit" --json "$json")
[ -n "${TOLLGATE_BACKEND:-}" ] && arguments+=(--backend "$TOLLGATE_BACKEND")
[ -n "${TOLLGATE_FAIL_ON:-}" ] && arguments+=(--fail-on "$TOLLGATE_FAIL_ON")
[ -n "${TOLLGATE_BASELINE:-}" ] && arguments+=(--baseline "$TOLLGATE_BASELINE")
[ -n "${TOLLGATE_KILL_ON:-}" ] && arguments+=(--kill-on "$TOLLGATE_KILL_ON")
[ -n "${TOLLGATE_DENY_ON:-}" ] && arguments+=(--deny-on "$TOLLGATE_DENY_ON")
while IFS= read -r rules; do
    [ -n "$rules" ] && arguments+=(--rules "$rules")
done <<< "${TOLLGATE_RULES:-}"

job=(bash -c "$TOLLGATE_RUN")
privileged=()
sudo_mode=${TOLLGATE_SUDO:-auto}
case "$sudo_mode" in
    false) ;;
    auto | true)
        if [ "$(id -u)" -ne 0 ] && command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
            # tollgate runs as root for eBPF; the job keeps the runner's user, groups and env.
            privileged=(sudo -n --preserve-env)
            job=(setpriv "--reuid=$(id -u)" "--regid=$(id -g)" --init-groups -- "${job[@]}")
        elif [ "$sudo_mode" = "true" ] && [ "$(id -u)" -ne 0 ]; then
            fail "sudo: true, but passwordless sudo is not available here"
        fi ;;
    *) fail "unknown sudo value '$sudo_mode'; use auto, true or false" ;;
esac

status=0
"${privileged[@]}" "$binary" "${arguments[@]}" -- "${job[@]}" || status=$?
# A gate that ends with 0 but wrote none of its reports did not end as it does: something (a
# root job) stopped it before its verdict. That is not a pass.
if [ "$status" -eq 0 ] && [ ! -e "$sarif" ] && [ ! -e "$junit" ] && [ ! -e "$json" ]; then
    echo "::error title=tollgate::the gate exited 0 without writing its reports; it was stopped before its verdict"
    status=70
fi
# Nor is a 0 beside a report that says the job attacked the gate: a root job can write the
# gate's memory before it dies (docs/trust.md), so its exit status cannot be trusted.
if [ "$status" -eq 0 ] && grep -q '"rule":"CI Attack on the gate"' "$json" 2> /dev/null; then
    echo "::error title=tollgate::the job attacked the gate (CI Attack on the gate in its report), yet it exited 0; its verdict cannot be trusted"
    status=70
fi

if [ "${#privileged[@]}" -gt 0 ]; then
    # Reports written as root stay readable and removable by later steps.
    # -h: a report path the job turned into a symlink is chowned itself, not its target.
    sudo -n chown -h "$(id -u):$(id -g)" "$sarif" "$junit" "$json" 2> /dev/null || true
fi
output sarif "$sarif"
output junit "$junit"
output json "$json"
output exit-code "$status"
if [ "$status" -eq 0 ]; then output verdict pass; else output verdict fail; fi
exit "$status"
