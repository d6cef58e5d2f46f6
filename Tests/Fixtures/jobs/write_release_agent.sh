#!/bin/sh
# Writes a file named release_agent in the scratch folder $1 (not the cgroup one).
echo 'hello world' > "$1/release_agent"
