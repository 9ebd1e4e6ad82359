#!/bin/sh
# SPDX-License-Identifier: MIT
# A slow CGI request: it holds its entry in the account's LVE for a few
# seconds (tests/clients/run, the entry limit).
echo "cgid-slow $(id -u) ${QUERY_STRING-}" >> @RANLOG@
sleep 3
echo "Content-Type: text/plain"
echo
echo "slow=done"
echo "uid=$(id -ru)"
