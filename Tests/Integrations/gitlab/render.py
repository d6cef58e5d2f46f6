"""Renders a GitLab CI/CD component offline.

    render.py split COMPONENT PREFIX          -> PREFIX.0.json (spec), PREFIX.1.json (jobs); prints the paths
    render.py script COMPONENT JOB KEY=VALUE.. -> a bash script: the job's variables exported, then its script

`!reference [...]` tags load as lists; `$[[ inputs.NAME ]]` is replaced by the given value or the
input's default, and a missing required input is an error, as GitLab does. `$[[ component.NAME ]]`
(declared in `spec:component`) is replaced by a `component.NAME=VALUE` argument, else by nothing,
as GitLab does for a component not used at a released version.
"""
import json
import re
import shlex
import sys

from ruamel.yaml import YAML


def load(path):
    yaml = YAML(typ="safe")
    yaml.constructor.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))
    with open(path) as f:
        return list(yaml.load_all(f))


def interpolate(value, inputs):
    pattern = re.compile(r"\$\[\[\s*((?:inputs|component)\.[A-Za-z0-9_-]+)\s*\]\]")
    if isinstance(value, dict):
        return {interpolate(k, inputs): interpolate(v, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, inputs) for v in value]
    if isinstance(value, str):
        def substitute(match):
            name = match.group(1)
            if name not in inputs:
                sys.exit(f"render.py: error: unknown interpolation '{name}'")
            return str(inputs[name])
        return pattern.sub(substitute, value)
    return value


def main():
    mode, component = sys.argv[1], sys.argv[2]
    documents = load(component)
    if mode == "split":
        for index, document in enumerate(documents):
            path = f"{sys.argv[3]}.{index}.json"
            with open(path, "w") as f:
                json.dump(document, f)
            print(path)
        return
    spec, jobs = documents
    given = dict(argument.split("=", 1) for argument in sys.argv[4:])
    inputs = {f"component.{name}": given.pop(f"component.{name}", "") for name in spec["spec"].get("component", [])}
    for name, declaration in (spec["spec"]["inputs"] or {}).items():
        declaration = declaration or {}
        if name in given:
            value = given.pop(name)
            options = declaration.get("options")
            if options and value not in options:
                sys.exit(f"render.py: error: input '{name}' is '{value}', not one of {options}")
        elif "default" in declaration:
            value = declaration["default"]
        else:
            sys.exit(f"render.py: error: input '{name}' is required")
        inputs[f"inputs.{name}"] = value
    if given:
        sys.exit(f"render.py: error: unknown inputs {sorted(given)}")
    job = interpolate(jobs, inputs)[sys.argv[3]]
    print("set -e")
    for key, value in (job.get("variables") or {}).items():
        print(f"export {key}={shlex.quote(str(value))}")
    print("\n".join(job["script"]))


main()
