<?php
// Who served this request, and where: tests/clients/run reads these lines.
header('Content-Type: text/plain');
$groups = posix_getgroups();
sort($groups, SORT_NUMERIC);
$out = "handler=fcgid\n"
    . "uid=" . posix_getuid() . "\neuid=" . posix_geteuid() . "\n"
    . "gid=" . posix_getgid() . "\ngroups=" . implode(',', array_unique($groups)) . "\n"
    . "pid=" . getmypid() . "\n";
foreach (file('/proc/self/cgroup', FILE_IGNORE_NEW_LINES) as $line)
    $out .= "cgroup=" . $line . "\n";
// What php-cgi got in its own environment through lverun (mod_fcgid's
// FcgidInitialEnv), beside the request's FastCGI parameters.
foreach (['PATH', 'HOME', 'PHP_FCGI_MAX_REQUESTS'] as $name)
    $out .= "env_" . $name . "=" . getenv($name, true) . "\n";
foreach (['GATEWAY_INTERFACE', 'REQUEST_METHOD', 'QUERY_STRING', 'HTTP_HOST', 'SCRIPT_FILENAME'] as $name)
    $out .= "param_" . $name . "=" . ($_SERVER[$name] ?? '') . "\n";
if (($_SERVER['REQUEST_METHOD'] ?? '') === 'POST')
    $out .= "body=" . file_get_contents('php://input') . "\n";
file_put_contents('@RANLOG@', "fcgid " . posix_getuid() . " " . ($_SERVER['QUERY_STRING'] ?? '') . "\n", FILE_APPEND);
echo $out;
