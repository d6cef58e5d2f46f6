# Shared by the integration harnesses: assertions that count failures and a marker rule.
# Source it; call `finish` at the end (exit 1 when any check failed).
failures=0
check() { # check DESCRIPTION COMMAND...
    local description=$1; shift
    if "$@"; then echo "  ok    $description"; else echo "  FAIL  $description"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1"; }
lacks() { ! grep -q -- "$2" "$1"; }
finish() {
    if [ "$failures" -gt 0 ]; then echo "$harness: $failures check(s) failed"; exit 1; fi
    echo "$harness: all checks passed"
}
# A rule that fires when the job runs a program named tg-marker, and the job line that does it.
marker_rules() {
    cat > "$1" <<'RULES'
- rule: Integration marker ran
  desc: The gated job ran the forbidden marker program.
  condition: evt.type in (execve, execveat) and proc.name = tg-marker
  output: marker ran | process=%proc.name parent=%proc.pname
  priority: ERROR
  tags: [integration-test]
RULES
}
marker_job='cp /bin/true ./tg-marker && ./tg-marker && echo job done'
clean_job='echo job done'
