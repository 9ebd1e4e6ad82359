<?php
// One second of wall time spent on the CPU, as far as the LVE allows.
header('Content-Type: text/plain');
$start = microtime(true);
$n = 0;
while (microtime(true) - $start < 1.0)
    $n++;
printf("uid=%d\nloops=%d\nwall=%.3f\n", posix_getuid(), $n, microtime(true) - $start);
