#!/bin/sh
# Near "CI Read SSH private key": public keys, known_hosts, and the real ssh-keygen reading a key.
. "$(dirname "$0")/../common.sh"
mkdir -p "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
ssh-keygen -y -f "$HOME/.ssh/id_ed25519" > /dev/null
cat "$HOME/.ssh/id_ed25519.pub" > /dev/null
printf 'github.com ssh-ed25519 AAAA\n' > "$HOME/.ssh/known_hosts"
cat "$HOME/.ssh/known_hosts" > /dev/null
cat /etc/ssh/ssh_config > /dev/null 2>&1 || true
# openat2(2) of the public key: decoded like openat, so a read of a .pub file stays a .pub file.
python3 - "$HOME/.ssh/id_ed25519.pub" <<'PY'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
how = struct.pack("QQQ", os.O_RDONLY | os.O_CLOEXEC, 0, 0)
fd = libc.syscall(437, -100, sys.argv[1].encode(), how, len(how))
if fd < 0:
    sys.exit("openat2: " + os.strerror(ctypes.get_errno()))
os.close(fd)
PY
