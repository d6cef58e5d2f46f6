# Sourced by every attack job: strict mode, a fake HOME inside the scratch folder.
set -eu
S=${1:?usage: job.sh SCRATCH}
export HOME="$S/home"
mkdir -p "$HOME"
PY=/usr/bin/python3
