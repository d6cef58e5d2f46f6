#!/bin/sh
# The step's own script sets a variable, a PATH entry and an output for the steps that follow,
# directly and through a shell script it runs, as GitHub's documentation shows.
W=$1
: "${GITHUB_ENV:=$W/github_env}" "${GITHUB_PATH:=$W/github_path}" "${GITHUB_OUTPUT:=$W/github_output}"
export GITHUB_ENV GITHUB_PATH GITHUB_OUTPUT
echo "BUILD_FLAVOUR=release" >> "$GITHUB_ENV"
printf 'echo "$1/bin" >> "$GITHUB_PATH"\necho "version=1.2.3" >> "$GITHUB_OUTPUT"\n' > "$W/set-outputs.sh"
sh "$W/set-outputs.sh" "$W"
cat "$GITHUB_ENV" > /dev/null
