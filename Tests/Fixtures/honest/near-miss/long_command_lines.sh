#!/bin/sh
# Near "CI Network tool with a cut command line" and "CI Crypto miner activity": a downloader with
# a long but whole command line (60 KB of headers), and a long command line cut past 64 KiB on a
# program that is not a network tool (xargs-style batches to the linker do this).
. "$(dirname "$0")/../common.sh"
cp /bin/true "$S/curl"
"$S/curl" -H "X-Build-Info: $(python3 -c 'print("b" * 60000)')" http://127.0.0.1:9/
/bin/true $(python3 -c 'print(" ".join("obj/file%05d.o" % i for i in range(6000)))')
