#!/bin/sh
# ssh to port 443 of a documentation address (TEST-NET-2, never answers): a non-blocking TCP
# connect that returns EINPROGRESS, then gives up after 1 s. No configuration is read or written.
ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=1 -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -p 443 probe@198.51.100.7 true 2>/dev/null
exit 0
