# Sourced by every honest job: strict mode, a private HOME, work inside the scratch folder.
set -eu
S=${1:?usage: job.sh SCRATCH}
export HOME="$S/home"
mkdir -p "$HOME"
cd "$S"
