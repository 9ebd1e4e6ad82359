#!/bin/sh
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
echo "cgid $(id -u) ${QUERY_STRING-}" >> @RANLOG@
