#!/bin/sh
# SPDX-License-Identifier: MIT
# Who ran this CGI request, and where: tests/clients/run reads these lines.
echo "Content-Type: text/plain"
echo
echo "handler=cgid"
echo "uid=$(id -ru)"
echo "euid=$(id -u)"
echo "gid=$(id -g)"
echo "groups=$(id -G | tr ' ' '\n' | sort -nu | paste -sd, -)"
echo "pid=$$"
while IFS= read -r line; do echo "cgroup=$line"; done < /proc/self/cgroup
for name in PATH HOME GATEWAY_INTERFACE REQUEST_METHOD QUERY_STRING HTTP_HOST SCRIPT_NAME PATH_TRANSLATED SERVER_PROTOCOL REMOTE_ADDR; do
	eval "echo \"env_$name=\${$name-}\""
done
echo "cwd=$(pwd)"
# Every variable's name, and a request body as the script reads it on stdin.
env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/envname=\1/p'
if [ "${REQUEST_METHOD-}" = POST ]; then
	echo "body=$(head -c "${CONTENT_LENGTH:-0}")"
fi
echo "cgid $(id -u) ${QUERY_STRING-}" >> @RANLOG@
