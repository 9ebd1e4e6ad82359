// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md parts B, D and E: what the command gets from a setuid
/// lverun: ids, groups, capabilities, environment, signals, fds, limits,
/// umask, and where its path comes from.
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed partial class InheritanceTests(SetuidHost host) : IDisposable
{
    public void Dispose()
    {
        host.RemoveLve(host.Ordinary.Uid);
        host.RemoveLve(host.Peer.Uid);
    }

    private static Dictionary<string, string> Status(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':', 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0]).ToDictionary(g => g.Key, g => Regex.Replace(g.First()[1].Trim(), @"\s+", " "));

    private static string Ids(uint id) => string.Join(' ', Enumerable.Repeat(id.ToString(CultureInfo.InvariantCulture), 4));

    /// <summary>
    /// Rule 13: the command's /proc/self/status shows only the target's
    /// ids and groups and no capability, as an ordinary caller (itself, with
    /// its own supplementary group) and as the trusted caller (--user Peer:
    /// Peer's initgroups list, nothing of the web account's).
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("trusted")]
    public void Only_the_target_s_ids_groups_and_no_capabilities(string caller)
    {
        Account target = caller == "ordinary" ? host.Ordinary : host.Peer;
        string[] args = caller == "ordinary" ? [target.Id, "/bin/cat", "/proc/self/status"]
            : ["--user", target.Name, target.Id, "/bin/cat", "/proc/self/status"];
        ProcessResult r = host.Run(caller == "ordinary" ? host.Ordinary : host.Web, args);
        r.ExitCode.Should().Be(0, r.ToString());
        var status = Status(r.Stdout);
        status["Uid"].Should().Be(Ids(target.Uid));
        status["Gid"].Should().Be(Ids(target.Gid));
        status["Groups"].Should().Be(string.Join(' ', target.Groups.Order()));
        foreach (string set in new[] { "CapInh", "CapPrm", "CapEff", "CapAmb" })
            status[set].Should().Be("0000000000000000", set);
        status["NoNewPrivs"].Should().Be("0");
    }

    /// <summary>
    /// Rule 14: a caller that is not root gets the whitelist: no LD_*,
    /// DOTNET_*, BASH_ENV, ENV, PERL5*, PYTHON*, NODE_OPTIONS, GCONV_PATH,
    /// no function values ("() {"), no HTTP_PROXY; PATH fixed; HOME, USER and
    /// LOGNAME from passwd; the CGI variables a web server passes, kept in
    /// order, the first of each name.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("trusted")]
    public void The_environment_is_the_whitelist(string caller)
    {
        Account target = caller == "ordinary" ? host.Ordinary : host.Peer;
        string[] hostile =
        [
            "PATH=/evil:/usr/bin:/bin", "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/evil/sh",
            "LD_PRELOAD=/evil.so", "LD_LIBRARY_PATH=/evil", "LD_AUDIT=/evil.so", "GLIBC_TUNABLES=glibc.malloc.check=3",
            "DOTNET_gcServer=1", "DOTNET_DbgEnableMiniDump=1", "COMPlus_gcServer=1", "BASH_ENV=/evil/rc", "ENV=/evil/rc",
            "PERL5LIB=/evil", "PERL5OPT=-Mevil", "PYTHONPATH=/evil", "PYTHONSTARTUP=/evil.py", "NODE_OPTIONS=--require /evil.js",
            "GCONV_PATH=/evil", "PHPRC=/evil/php.ini", "PHP_INI_SCAN_DIR=/evil", "IFS=x", "TMPDIR=/evil",
            "LIBLVE_CGROUP_PARENT=evil", "HTTP_PROXY=http://evil:3128", "REDIRECT_HTTP_PROXY=http://evil:3128",
            "SSL_CERT_FILE=/evil/ca.pem", "SSL_CERT_DIR=/evil", "HTTP_COOKIE=() { :; }; echo pwned",
            "LC_ALL=../../../evil", "TZ=/etc/shadow", "TERM=../evil", "1BAD=x", "lowercase_var=x",
        ];
        string[] kept =
        [
            "GATEWAY_INTERFACE=CGI/1.1", "SERVER_SOFTWARE=Apache", "SERVER_NAME=example.org", "SERVER_PORT=443",
            "REQUEST_METHOD=POST", "REQUEST_URI=/index.php?a=b", "QUERY_STRING=a=b", "SCRIPT_FILENAME=/home/x/index.php",
            "SCRIPT_NAME=/index.php", "DOCUMENT_ROOT=/home/x/public_html", "CONTENT_TYPE=text/plain", "CONTENT_LENGTH=5",
            "REMOTE_ADDR=192.0.2.1", "REMOTE_PORT=40000", "HTTPS=on", "REQUEST_SCHEME=https", "REDIRECT_STATUS=200",
            "REDIRECT_URL=/x", "REDIRECT_HTTPS=on", "HTTP_HOST=example.org", "HTTP_USER_AGENT=curl/8", "HTTP_X_FORWARDED_FOR=198.51.100.1",
            "SSL_PROTOCOL=TLSv1.3", "UNIQUE_ID=abc", "PHP_FCGI_CHILDREN=0", "PHP_FCGI_MAX_REQUESTS=500",
            "LANG=C.UTF-8", "LC_CTYPE=C.UTF-8", "TERM=xterm", "TZ=Europe/Berlin", "PATH_INFO=/extra",
        ];
        string[] env = [.. hostile.Take(10), .. kept, .. hostile.Skip(10), "QUERY_STRING=second", "TZ=UTC"];
        string[] args = caller == "ordinary" ? [target.Id, "/usr/bin/env"] : ["--user", target.Name, target.Id, "/usr/bin/env"];
        ProcessResult r = host.Run(caller == "ordinary" ? host.Ordinary : host.Web, args, environment: env);
        r.ExitCode.Should().Be(0, r.ToString());

        string[] expected =
        [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            .. kept,
            "HOME=" + target.Home, "USER=" + target.Name, "LOGNAME=" + target.Name,
        ];
        r.StdoutLines.Should().Equal(expected);
    }

    /// <summary>A root caller keeps its environment (with --user, HOME, USER, LOGNAME from passwd).</summary>
    [SetuidFact]
    public void A_root_caller_keeps_its_environment()
    {
        string[] env = ["PATH=/usr/bin:/bin", "HOME=/root", "USER=root", "KEEP_ME=1", "DOTNET_FOR_THE_APP=1"];
        ProcessResult r = host.Run(null, ["--user", host.Peer.Name, host.Peer.Id, "/usr/bin/env"], environment: env);
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdoutLines.Should().BeEquivalentTo("PATH=/usr/bin:/bin", "KEEP_ME=1", "DOTNET_FOR_THE_APP=1",
            "HOME=" + host.Peer.Home, "USER=" + host.Peer.Name, "LOGNAME=" + host.Peer.Name);
    }

    /// <summary>
    /// Rule 15: a caller's SIGHUP ignore (nohup) survives, the runtime's
    /// SIGPIPE ignore does not leak, and the caller's mask is the command's.
    /// Also for root, and for a command that runs as another user.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("trusted")]
    [InlineData("root")]
    public void The_caller_s_signal_dispositions_and_mask(string caller)
    {
        (Account? account, string[] args) = caller switch
        {
            "ordinary" => (host.Ordinary, new[] { host.Ordinary.Id }),
            "trusted" => (host.Web, new[] { "--user", host.Peer.Name, host.Peer.Id }),
            _ => ((Account?)null, new[] { host.Peer.Id }),
        };
        ProcessResult r = host.Run(account, [.. args, "/bin/cat", "/proc/self/status"], ["--ignore", "HUP", "--block", "USR1", "--block", "TERM"]);
        r.ExitCode.Should().Be(0, r.ToString());
        var status = Status(r.Stdout);
        status["SigIgn"].Should().Be("0000000000000001", "SIGHUP (1) ignored as the caller had it, SIGPIPE (13) not");
        status["SigBlk"].Should().Be("0000000000004200", "SIGUSR1 (10) and SIGTERM (15) blocked as the caller had them");

        r = host.Run(account, [.. args, "/bin/cat", "/proc/self/status"]);
        Status(r.Stdout)["SigIgn"].Should().Be("0000000000000000");
        Status(r.Stdout)["SigBlk"].Should().Be("0000000000000000");
    }

    /// <summary>Rule 15: fds from a caller that is not root stop at 2; a root caller's pass, and nothing of lverun's.</summary>
    [SetuidTheory]
    [InlineData("ordinary", "0 1 2")]
    [InlineData("trusted", "0 1 2")]
    [InlineData("root", "0 1 2 7 9")]
    public void Fds_above_2(string caller, string fds)
    {
        (Account? account, string[] args) = caller switch
        {
            "ordinary" => (host.Ordinary, new[] { host.Ordinary.Id }),
            "trusted" => (host.Web, new[] { "--user", host.Peer.Name, host.Peer.Id }),
            _ => ((Account?)null, new[] { host.Peer.Id }),
        };
        ProcessResult r = host.Run(account, [.. args, host.Probe, "fds"], ["--open", "7:/etc/hostname", "--open", "9:/etc/hostname"]);
        r.ExitCode.Should().Be(0, r.ToString());
        string.Join(' ', r.StdoutLines.Select(l => l.Split(' ')[1])).Should().Be(fds);
    }

    /// <summary>
    /// Rule 7: fds 0, 1 and 2 closed by the caller are never files lverun
    /// opened.  In secure mode (the setuid copy run by a user) glibc fills
    /// them before any of lverun runs, with /dev/full opened write-only on 0
    /// and /dev/null opened read-only on 1 and 2, so the command can neither
    /// read nor write them, as if they were closed; for root (not secure
    /// mode) lverun's scrubber opens /dev/null there.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary", "/dev/full", "/dev/null")]
    [InlineData("root", "/dev/null", "/dev/null")]
    public void Closed_stdio_is_never_a_file_of_lverun_s(string caller, string stdin, string stdout)
    {
        Account? account = caller == "root" ? null : host.Ordinary;
        string id = account?.Id ?? host.Peer.Id;
        string file = Path.Combine(host.Scratch, "stdio-" + caller + "-" + host.RunId);
        ProcessResult r = host.Run(account, [id, host.Probe, "stdio", file], ["--close", "0", "--close", "1", "--close", "2"]);
        r.ExitCode.Should().Be(0, r.ToString());
        File.ReadAllLines(file).Should().BeEquivalentTo("fd 0 " + stdin, "fd 1 " + stdout, "fd 2 " + stdout);
        File.Delete(file);
    }

    /// <summary>
    /// Rule 8: the command runs with the caller's own limits, however low
    /// (lverun raised them for itself and put them back), core dumps
    /// included.  "within": hard limits at or above what lverun needs;
    /// "soft": low soft limits under high hard ones.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary", "within")]
    [InlineData("trusted", "within")]
    [InlineData("ordinary", "soft")]
    [InlineData("trusted", "soft")]
    public void The_caller_s_resource_limits(string caller, string which)
    {
        (string[] options, string[] expected) = which == "within"
            ? (new[] { "nofile=40:40", "core=u:u", "as=629145600:629145600", "nproc=64:64", "stack=262144:524288", "data=314572800:u", "sigpending=0:0" },
                new[] { "limit nofile 40 40", "limit core -1 -1", "limit as 629145600 629145600", "limit nproc 64 64", "limit stack 262144 524288", "limit data 314572800 -1", "limit sigpending 0 0" })
            : (new[] { "nofile=4:4096", "as=20480000:u", "data=10240000:u", "stack=16384:u", "core=0:u" },
                new[] { "limit nofile 4 4096", "limit as 20480000 -1", "limit data 10240000 -1", "limit stack 16384 -1", "limit core 0 -1" });
        LimitsAre(caller, options, expected);
    }

    /// <summary>
    /// Rule 8, hard limits below what lverun needs, which it raises for
    /// itself (only a root with CAP_SYS_RESOURCE may) and must lower again
    /// before execve.  Where root lacks the capability lverun refuses such
    /// a caller with 125 instead (ScrubberTests.Never_aborts), and the VM
    /// lane runs the same check (tests/vm/lverun-checks.sh).
    /// </summary>
    [HardLimitsFact]
    public void Hard_limits_lverun_raised_for_itself_are_the_caller_s_again() =>
        LimitsAre("ordinary", ["nofile=4:4", "as=20480000:20480000", "core=u:u", "nproc=1:1"],
            ["limit nofile 4 4", "limit as 20480000 20480000", "limit core -1 -1", "limit nproc 1 1"]);

    private void LimitsAre(string caller, string[] options, string[] expected)
    {
        (Account account, string[] args) = caller == "ordinary"
            ? (host.Ordinary, new[] { host.Ordinary.Id })
            : (host.Web, new[] { "--user", host.Peer.Name, host.Peer.Id });
        ProcessResult r = host.Run(account, [.. args, host.Probe, "limits"], options.SelectMany(o => new[] { "--rlimit", o }));
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdoutLines.Should().Contain(expected);
    }

    /// <summary>The umask: the caller's unless the configuration sets one (ConfigurationFileTests).</summary>
    [SetuidFact]
    public void The_caller_s_umask()
    {
        ProcessResult r = host.Run(host.Ordinary, [host.Ordinary.Id, "/bin/cat", "/proc/self/status"], ["--umask", "077"]);
        r.ExitCode.Should().Be(0, r.ToString());
        Status(r.Stdout)["Umask"].Should().Be("0077");
    }

    /// <summary>
    /// Rule 17: for a caller that is not root the command is looked up in
    /// the secure PATH, not the caller's; a name with a '/' is taken as
    /// given.  And lverun is no oracle for paths the caller cannot search.
    /// </summary>
    [SetuidFact]
    public void The_command_is_found_in_the_secure_path_only()
    {
        Account user = host.Ordinary;
        string dir = host.UserDirectory(user, "path");
        string evil = Path.Combine(dir, "lverun-evil-command");
        File.WriteAllText(evil, "#!/bin/sh\necho ran\n");
        File.SetUnixFileMode(evil, (UnixFileMode)0x1ed);
        SetuidHost.Chown(evil, user);
        string[] env = ["PATH=" + dir + ":/usr/bin:/bin"];

        ProcessResult r = host.Run(user, [user.Id, "lverun-evil-command"], environment: env);
        r.ExitCode.Should().Be(127);
        r.StderrLines.Should().Equal("lverun: lverun-evil-command: command not found");

        r = host.Run(user, [user.Id, evil], environment: env);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("ran\n");

        r = host.Run(user, [user.Id, "id", "-u"], environment: env);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be(user.Id + "\n");

        // /root is 0700: whether a file exists there is not the caller's to learn.
        foreach (string path in new[] { "/root/.profile", "/root/no-such-file-lverun" })
        {
            r = host.Run(user, [user.Id, path]);
            r.ExitCode.Should().Be(126, path);
            r.StderrLines.Should().Equal("lverun: " + path + ": Permission denied");
        }
        host.LveExists(user.Uid).Should().BeTrue("the runs above entered it");
    }

    /// <summary>
    /// LIBLVE_CGROUP_PARENT is liblve's to ignore in secure mode (the
    /// kernel sets AT_SECURE for the setuid copy): the LVE stays where the
    /// build put it, and nothing is made where the caller asked.  Only
    /// relative values are tried: were the rule broken, an absolute one
    /// would make cgroups outside this run's.
    /// </summary>
    [SetuidTheory]
    [InlineData("evil-{run}")]
    [InlineData("evil-{run}/lve")]
    [InlineData("../evil-{run}")]
    public void Secure_mode_ignores_LIBLVE_CGROUP_PARENT(string parent)
    {
        Account user = host.Ordinary;
        parent = parent.Replace("{run}", host.RunId, StringComparison.Ordinal);
        ProcessResult r = host.Run(user, [user.Id, "/bin/cat", "/proc/self/cgroup"],
            environment: ["PATH=/usr/bin:/bin", "LIBLVE_CGROUP_PARENT=" + parent]);
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdoutLines.Should().Contain(l => l.EndsWith(":cpu:" + host.LveCgroup("cpu", user.Uid), StringComparison.Ordinal));
        host.StrayCgroups().Should().BeEmpty();
        foreach (string dir in host.RunCgroups.Values)
            Directory.Exists(Path.Combine(Path.GetDirectoryName(dir)!, "evil-" + host.RunId)).Should().BeFalse();
    }
}
