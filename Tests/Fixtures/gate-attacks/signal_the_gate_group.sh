# Signals the gate's process group (the group of the job's outermost tollgate ancestor) with
# SIGTERM, and prints the job's own group and the outcome: "own=PGID gate=PGID group:STATUS".
p=$PPID
while [ "$(cat /proc/$p/comm)" = tollgate ]; do group=$(cut -d' ' -f5 /proc/$p/stat); p=$(cut -d' ' -f4 /proc/$p/stat); done
printf 'own=%s gate=%s ' "$(cut -d' ' -f5 /proc/$$/stat)" "$group"
kill -TERM -"$group" 2>/dev/null; echo "group:$?"
