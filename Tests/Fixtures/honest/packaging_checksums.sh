#!/bin/sh
# Packaging a release: tar, gzip, xz, checksums and their verification.
. "$(dirname "$0")/common.sh"
mkdir -p release/bin release/doc
cp /bin/true release/bin/tool
printf 'docs\n' > release/doc/README
tar -cf release.tar release
gzip -k -9 release.tar
xz -k release.tar 2>/dev/null || true
sha256sum release.tar.gz > SHA256SUMS
sha256sum -c SHA256SUMS
md5sum release.tar > /dev/null
mkdir unpack && tar -xzf release.tar.gz -C unpack
cmp unpack/release/bin/tool release/bin/tool
