#!/usr/bin/env python3
"""Checks a `tollgate run --json` file (Falco json_output lines).

  findings.py FILE --none                  no finding at all
  findings.py FILE RULE [FIELD=GLOB ...]   a finding of RULE whose output_fields match every
                                           FIELD=GLOB (fnmatch; `<NA>` is a value like any other)

Exit 0 when the check holds; otherwise 1, with what the file holds on standard output.
"""
import fnmatch
import json
import sys


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    path, rule, wanted = argv[1], argv[2], argv[3:]
    try:
        with open(path, encoding="utf-8") as file:
            lines = [json.loads(line) for line in file if line.strip()]
    except (OSError, ValueError) as error:
        print(f"{path}: {error}")
        return 1
    if rule == "--none":
        if not lines:
            return 0
        print(f"expected no finding, found: {sorted({line['rule'] for line in lines})}")
        return 1
    checks = [item.split("=", 1) for item in wanted]
    candidates = [line for line in lines if line.get("rule") == rule]
    for line in candidates:
        fields = line.get("output_fields", {})
        if all(fnmatch.fnmatchcase(str(fields.get(field)), glob) for field, glob in checks):
            return 0
    if not candidates:
        print(f"no '{rule}' finding; rules seen: {sorted({line['rule'] for line in lines})}")
    for line in candidates:
        fields = line.get("output_fields", {})
        print("'%s' fields: %s" % (rule, ", ".join(f"{field}={fields.get(field)!r}" for field, _ in checks)))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
