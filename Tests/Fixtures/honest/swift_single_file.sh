#!/bin/sh
# A Swift program compiled with swiftc and run, with its test driver.
. "$(dirname "$0")/common.sh"
cat > main.swift <<'SW'
func fib(_ n: Int) -> Int { n < 2 ? n : fib(n - 1) + fib(n - 2) }
precondition(fib(10) == 55)
print("fib ok")
SW
swiftc -module-cache-path "$S/module-cache" -o fib main.swift
./fib
