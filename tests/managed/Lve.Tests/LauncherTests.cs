// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FluentAssertions;
using Lve.Interop;
using Lve.Tests.Support;
using Xunit;

namespace Lve.Tests;

/// <summary>
/// The published binary ($(BUILD)/lverun), run as root for real, its LVEs
/// beneath the test's own cgroups.
/// </summary>
[Collection(CgroupCollection.Name)]
public sealed partial class LauncherTests(TestCgroups cgroups) : IDisposable
{
    private static readonly string[] Controllers = ["cpu", "cpuacct", "blkio", "memory", "pids"];

    private readonly string scratch = Directory.CreateTempSubdirectory("lverun-test-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private ProcessResult Lverun(params string[] args) => LverunProcess.Run(cgroups, args);

    private static string Id(uint id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The pids in LVE <paramref name="id"/>'s cgroup.procs, in every
    /// hierarchy it uses.  The LVE must exist in each: a wrong path is an
    /// error here, never an empty list that would pass for "nothing left".
    /// </summary>
    private string[] ProcsInLve(uint id) =>
        Controllers.Select(c => Path.Combine(TestCgroups.Directory(c, cgroups.LveCgroup(c, id)), "cgroup.procs"))
            .SelectMany(path => File.Exists(path) ? File.ReadAllLines(path)
                : throw new FileNotFoundException("no such LVE cgroup: " + path))
            .ToArray();

    /// <summary>The fields of <paramref name="key"/>'s entry in <paramref name="database"/>, from getent(1), not the bindings lverun uses.</summary>
    private static string[] Getent(string database, string key)
    {
        ProcessResult r = LverunProcess.Start("/usr/bin/getent", [database, key]);
        r.ExitCode.Should().Be(0, "getent " + database + " " + key);
        return r.Stdout.TrimEnd('\n').Split(':');
    }

    /// <summary>id(1)'s answer for <paramref name="args"/>.</summary>
    private static string IdOf(params string[] args) => LverunProcess.Start("/usr/bin/id", args).Stdout.Trim();

    [BinaryFact]
    public void The_command_lands_in_the_LVE_in_every_hierarchy()
    {
        uint id = cgroups.Use(4001);
        ProcessResult r = Lverun(Id(id), "cat", "/proc/self/cgroup");
        r.ExitCode.Should().Be(0, r.Stderr);
        r.Stderr.Should().BeEmpty();
        var seen = TestCgroupsFrom(r.Stdout);
        foreach (string controller in Controllers)
            seen[controller].Should().Be(cgroups.LveCgroup(controller, id), controller);
        ProcsInLve(id).Should().BeEmpty("the command has exited");
    }

    private static Dictionary<string, string> TestCgroupsFrom(string procCgroup)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, procCgroup);
            return TestCgroups.OwnCgroups(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [BinaryFact]
    public void LVEs_do_not_nest_and_lverun_says_so()
    {
        // A job already inside an LVE that calls lverun again (same LVE or
        // another): liblve refuses the nested enter, and lverun names why.
        uint id = cgroups.Use(4011), other = cgroups.Use(4012);
        foreach (uint inner in new[] { id, other })
        {
            ProcessResult r = Lverun(Id(id), LverunProcess.Binary, Id(inner), "true");
            r.ExitCode.Should().Be(125);
            r.StderrLines.Should().ContainSingle().Which.Should()
                .Be("lverun: lve_enter(" + Id(inner) + "): already inside an LVE (LVEs do not nest)");
        }
        ProcsInLve(id).Should().BeEmpty();
    }

    [BinaryFact]
    public void The_issue_s_example_prints_its_arguments_verbatim()
    {
        ProcessResult r = Lverun(Id(cgroups.Use(4002)), "printf", "%s|", "-h", "--help", "--", "@x");
        r.ExitCode.Should().Be(0, r.Stderr);
        r.Stdout.Should().Be("-h|--help|--|@x|");
    }

    [BinaryFact]
    public void Arguments_arrive_verbatim()
    {
        string[] args = ["-h", "--help", "--version", "--", "@x", "@/etc/passwd", "", " ", " a  b ", "-u", "root",
            "[diagram]", "new\nline", "tab\t", "\u00e9\u65e5", "'\"$HOME`", "*", "-"];
        ProcessResult r = Lverun([Id(cgroups.Use(4002)), "printf", "[%s]\\n", .. args]);
        r.ExitCode.Should().Be(0, r.Stderr);
        r.Stdout.Should().Be(string.Concat(args.Select(a => "[" + a + "]\n")));
    }

    [BinaryFact]
    public void Bytes_that_are_not_UTF_8_arrive_as_they_were_given()
    {
        // .NET would decode such an argument to U+FFFD; lverun passes the caller's own bytes.
        ProcessResult r = LverunProcess.Start("/bin/sh",
            ["-c", "\"$0\" \"$1\" printf %s \"$(printf 'a\\377\\376b')\" | od -An -tx1", LverunProcess.Binary, Id(cgroups.Use(4002))],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });
        r.ExitCode.Should().Be(0, r.Stderr);
        r.Stdout.Trim().Should().Be("61 ff fe 62");
    }

    private static Dictionary<string, string> StatusOf(string status) =>
        status.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => Regex.Replace(kv[1].Trim(), @"\s+", " "));

    [BinaryFact]
    public void As_nobody_only_nobody_s_ids_groups_and_no_capabilities()
    {
        // nobody is 65534 on every distribution lverun targets; its groups as id(1) lists them
        const string uid = "65534", gid = "65534";
        string groups = string.Join(' ', IdOf("-G", "nobody").Split(' ').Select(uint.Parse).Order().Select(Id));
        ProcessResult r = Lverun("--user", "nobody", Id(cgroups.Use(4003)), "cat", "/proc/self/status");
        r.ExitCode.Should().Be(0, r.Stderr);
        var status = StatusOf(r.Stdout);
        status["Uid"].Should().Be($"{uid} {uid} {uid} {uid}");
        status["Gid"].Should().Be($"{gid} {gid} {gid} {gid}");
        status["Groups"].Should().Be(groups);
        foreach (string set in new[] { "CapInh", "CapPrm", "CapEff", "CapAmb" })
            status[set].Should().Be("0000000000000000", set);
        status["NoNewPrivs"].Should().Be("0", "setuid programs the command runs must keep working");
    }

    [BinaryFact]
    public void A_group_option_sets_the_primary_group()
    {
        uint daemon = uint.Parse(Getent("group", "daemon")[2], CultureInfo.InvariantCulture);
        ProcessResult r = Lverun("-u", "nobody", "-g", "daemon", Id(cgroups.Use(4003)), "cat", "/proc/self/status");
        r.ExitCode.Should().Be(0, r.Stderr);
        var status = StatusOf(r.Stdout);
        status["Gid"].Should().Be(string.Join(' ', Enumerable.Repeat(Id(daemon), 4)));
        status["Groups"].Split(' ').Should().Contain(Id(daemon));
    }

    [BinaryFact]
    public void Without_user_the_caller_s_ids_and_groups()
    {
        ProcessResult r = Lverun(Id(cgroups.Use(4003)), "cat", "/proc/self/status");
        r.ExitCode.Should().Be(0, r.Stderr);
        var mine = StatusOf(File.ReadAllText("/proc/self/status"));
        var status = StatusOf(r.Stdout);
        foreach (string key in new[] { "Uid", "Gid", "Groups", "CapEff" })
            status[key].Should().Be(mine[key], key);
    }

    [BinaryFact]
    public void As_nobody_HOME_USER_LOGNAME_from_passwd_and_the_rest_of_the_environment_kept()
    {
        string home = Getent("passwd", "nobody")[5];
        ProcessResult r = LverunProcess.Start(LverunProcess.Binary, ["-u", "nobody", Id(cgroups.Use(4003)), "env"],
            new Dictionary<string, string?>
            {
                ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent,
                ["HOME"] = "/root",
                ["USER"] = "root",
                ["LOGNAME"] = "root",
                ["LVERUN_TEST_KEEP"] = "a b=c",
            });
        r.ExitCode.Should().Be(0, r.Stderr);
        string[] env = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        env.Should().Contain("HOME=" + home);
        env.Should().Contain(["USER=nobody", "LOGNAME=nobody", "LVERUN_TEST_KEEP=a b=c"]);
        env.Should().NotContain(["HOME=/root", "USER=root", "LOGNAME=root"]);
    }

    public static TheoryData<string[], int, string> Statuses => new()
    {
        { ["0", "true"], 125, "lverun: LVE id '0': not a number from 1 to 2147483647" },
        { ["4294967295", "true"], 125, "lverun: LVE id '4294967295': not a number from 1 to 2147483647" },
        { ["2147483648", "true"], 125, "lverun: LVE id '2147483648': not a number from 1 to 2147483647" },
        { [" 5", "true"], 125, "lverun: LVE id ' 5': not a number from 1 to 2147483647" },
        { [], 125, "lverun: usage: " },
        { ["--bogus", "4005", "true"], 125, "lverun: usage: unrecognized option '--bogus'" },
        { ["-u", "no-such-user-lverun", "4005", "true"], 125, "lverun: user 'no-such-user-lverun': no such user" },
        { ["-g", "no-such-group-lverun", "4005", "true"], 125, "lverun: group 'no-such-group-lverun': no such group" },
        { ["4005", "no-such-command-lverun"], 127, "lverun: no-such-command-lverun: command not found" },
        { ["4005", "/nonexistent/lverun"], 127, "lverun: /nonexistent/lverun: No such file or directory" },
        { ["4005", ""], 127, "lverun: '': command not found" },
        { ["4005", "/etc/passwd"], 126, "lverun: /etc/passwd: Permission denied" },
        { ["4005", "/"], 126, "lverun: /: Permission denied" },
        { ["4005", "sh", "-c", "exit 42"], 42, "" },
        { ["4005", "sh", "-c", "echo oops >&2; exit 3"], 3, "oops" },
        { ["4005", "false"], 1, "" },
        { ["4005", "true"], 0, "" },
        { ["4005", "sh", "-c", "kill -TERM $$"], 128 + 15, "" },
    };

    [BinaryTheory]
    [MemberData(nameof(Statuses))]
    public void Exit_statuses(string[] args, int status, string stderr)
    {
        cgroups.Use(4005);
        ProcessResult r = Lverun(args);
        r.ExitCode.Should().Be(status, r.Stderr);
        if (stderr.Length == 0)
        {
            r.Stderr.Should().BeEmpty();
            return;
        }
        r.StderrLines.Should().ContainSingle("an error is exactly one line").Which.Should().StartWith(stderr);
        r.Stdout.Should().BeEmpty();
    }

    [BinaryFact]
    public void Nothing_is_entered_or_created_when_the_command_cannot_be_found_or_run()
    {
        uint id = cgroups.Use(4006);
        Lverun(Id(id), "no-such-command-lverun").ExitCode.Should().Be(127);
        Lverun(Id(id), "/etc/passwd").ExitCode.Should().Be(126);
        Lverun("-u", "no-such-user-lverun", Id(id), "true").ExitCode.Should().Be(125);
        Directory.Exists(TestCgroups.Directory("cpu", cgroups.LveCgroup("cpu", id))).Should().BeFalse();
    }

    [BinaryFact]
    public void Version_and_help()
    {
        string version = File.ReadAllText(Path.Combine(RepoRoot(), "VERSION")).Trim();
        ProcessResult r = Lverun("--version");
        r.ExitCode.Should().Be(0);
        r.Stdout.Should().Be("lverun " + version + "\n");
        foreach (string help in new[] { "--help", "-h", "-?" })
        {
            r = Lverun(help);
            r.ExitCode.Should().Be(0);
            r.Stdout.Should().Be(Help, "the help as lverun(1) documents it, written here, not taken from the constant that prints it");
        }
    }

    private const string Help =
        """
        Usage: lverun [OPTION]... LVE_ID COMMAND [ARG]...
        Run COMMAND with its arguments inside the LVE (lightweight virtual
        environment) LVE_ID, as the caller or as another user.

          -u, --user=USER    run as USER (a name or a uid), with USER's groups and
                             HOME, USER and LOGNAME from USER's passwd entry
          -g, --group=GROUP  run with primary group GROUP (a name or a gid)
              --cgi          when the LVE's entry limit is reached, answer the web
                             request (CGI): 508 with Retry-After, and exit 0
              --retry-after=SECONDS
                             the Retry-After of that answer (default 60)
          -h, --help         show this help and exit
              --version      show the version and exit

        LVE_ID is a number from 1 to 2147483647.  lverun's options stand before
        LVE_ID, and "--" may end them; everything from COMMAND on reaches the
        command unchanged.  COMMAND is looked up in PATH unless it contains a '/'.

        Exit status:
          125  lverun itself failed
          126  COMMAND was found but could not be run
          127  COMMAND was not found
          otherwise the exit status of COMMAND

        """;

    private static string RepoRoot() => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../.."));

    [BinaryFact]
    public void Links_only_libc_libm_and_the_loader()
    {
        ProcessResult r = LverunProcess.Start("/usr/bin/ldd", [LverunProcess.Binary]);
        r.ExitCode.Should().Be(0, r.Stderr);
        string[] libraries = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(' ')[0])
            .ToArray();
        libraries.Should().OnlyContain(l => l == "linux-vdso.so.1" || l == "libc.so.6" || l == "libm.so.6" || l.StartsWith("/lib", StringComparison.Ordinal) && l.Contains("ld-linux"));
    }

    /// <summary>Every file lverun opens, from exec to the command's exec, from strace -f.</summary>
    [StraceFact]
    public void Opens_no_ICU_no_crypto_and_no_library_outside_the_system_directories()
    {
        string trace = Path.Combine(scratch, "trace");
        ProcessResult r = LverunProcess.Start("/usr/bin/strace",
            ["-f", "-qq", "-o", trace, "-e", "trace=open,openat,openat2", LverunProcess.Binary, Id(cgroups.Use(4007)), "true"],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });
        r.ExitCode.Should().Be(0, r.Stderr);
        string[] opened = File.ReadAllLines(trace)
            .Select(line => OpenedPath().Match(line))
            .Where(m => m.Success) // attempts that failed count too: a probe is a probe
            .Select(m => m.Groups[1].Value)
            .ToArray();
        opened.Should().NotBeEmpty();
        opened.Should().NotContain(p => p.Contains("icu", StringComparison.OrdinalIgnoreCase) ||
            p.Contains("libssl", StringComparison.Ordinal) || p.Contains("libcrypto", StringComparison.Ordinal));
        opened.Where(p => p.Contains(".so", StringComparison.Ordinal))
            .Should().OnlyContain(p => p.StartsWith("/lib/", StringComparison.Ordinal) || p.StartsWith("/usr/lib/", StringComparison.Ordinal) ||
                p == "/etc/ld.so.cache" || p.StartsWith("/lib64/", StringComparison.Ordinal));
        opened.Should().NotContain(p => p.StartsWith(Path.GetDirectoryName(LverunProcess.Binary)!, StringComparison.Ordinal),
            "nothing beside the binary is loaded");
    }

    [GeneratedRegex("open(?:at2?)?\\((?:AT_FDCWD, |\\d+, )?\"([^\"]*)\"")]
    private static partial Regex OpenedPath();

    /// <summary>
    /// A failure after lve_enter, while lverun is still root: strace makes
    /// the kernel fail setgroups (fault injection; nothing in lverun knows).
    /// lverun must move back to its own cgroups (lve_leave), say so in one
    /// line and exit 125.
    /// </summary>
    [StraceFact]
    public void The_LVE_is_left_when_the_privilege_drop_fails()
    {
        uint id = cgroups.Use(4008);
        string trace = Path.Combine(scratch, "trace");
        ProcessResult r = LverunProcess.Start("/usr/bin/strace",
            ["-f", "-qq", "-y", "-o", trace, "-e", "trace=setgroups,write", "-e", "inject=setgroups:error=EPERM",
                LverunProcess.Binary, "-u", "nobody", Id(id), "true"],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().ContainSingle().Which.Should().MatchRegex(@"^lverun: setgroups\([0-9,]+\): Operation not permitted$");

        MovesAround(File.ReadAllLines(trace), "setgroups(", id);
        ProcsInLve(id).Should().BeEmpty();
    }

    /// <summary>
    /// A failed execve while the target is root (the caller's own identity):
    /// lverun can and does leave.
    /// </summary>
    [StraceFact]
    public void The_LVE_is_left_when_execve_fails_for_a_root_target()
    {
        uint id = cgroups.Use(4009);
        string garbage = Path.Combine(scratch, "garbage");
        File.WriteAllBytes(garbage, [1, 2, 3, 4]);
        File.SetUnixFileMode(garbage, (UnixFileMode)0x1ed); // 0755: passes the lookup, fails execve
        string trace = Path.Combine(scratch, "trace");
        ProcessResult r = LverunProcess.Start("/usr/bin/strace",
            ["-f", "-qq", "-y", "-o", trace, "-e", "trace=execve,write", LverunProcess.Binary, Id(id), garbage],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });
        r.ExitCode.Should().Be(126);
        r.StderrLines.Should().ContainSingle().Which.Should().Be($"lverun: execve({garbage}): Exec format error");

        MovesAround(File.ReadAllLines(trace), "execve(\"" + garbage, id);
        ProcsInLve(id).Should().BeEmpty();
    }

    /// <summary>
    /// After the drop to another user there is no way back to root, by
    /// design, so a failed execve cannot call lve_leave; lverun exits at
    /// once and nothing is left in the LVE.  On a terminal (script(1) gives
    /// one) the command starts in a session of its own, which lverun forks
    /// (native/session.c): there too, nothing it forked stays behind.
    /// </summary>
    [BinaryTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nothing_stays_in_the_LVE_when_execve_fails_after_the_drop(bool terminal)
    {
        uint id = cgroups.Use(terminal ? 4013u : 4010u);
        string locked = Path.Combine(scratch, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(scratch, (UnixFileMode)0x1c0); // 0700: nobody cannot reach inside
        string script = Path.Combine(locked, "script");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1ed);
        ProcessResult r = terminal
            ? OnTerminal(LverunProcess.Binary + " -u nobody " + Id(id) + " " + script)
            : Lverun("-u", "nobody", Id(id), script);
        r.ExitCode.Should().Be(126, r.ToString());
        // (script(1) echoes a ^@ when its closed stdin ends: the terminal's, not lverun's)
        (terminal ? r.Stdout.Replace("^@", "", StringComparison.Ordinal).Trim() : r.Stderr.Trim())
            .Should().Be($"lverun: execve({script}): Permission denied");
        Directory.Exists(TestCgroups.Directory("cpu", cgroups.LveCgroup("cpu", id))).Should().BeTrue("it was entered");
        ProcsInLve(id).Should().BeEmpty();
    }

    /// <summary>
    /// On a terminal, while another user's command runs: the LVE holds the
    /// command and its session's monitor (root, forked before the drop),
    /// never lverun's relay, which left it before relaying.
    /// </summary>
    [BinaryFact]
    public void On_a_terminal_the_relay_is_not_in_the_LVE()
    {
        uint id = cgroups.Use(4014);
        string flag = Path.Combine(scratch, "done");
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/script")
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true,
        };
        foreach (string a in new[] { "-qec", LverunProcess.Binary + " -u nobody " + Id(id) + " /bin/sleep 30", "/dev/null" })
            start.ArgumentList.Add(a);
        start.Environment["LIBLVE_CGROUP_PARENT"] = cgroups.Parent;
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            string[] pids = [];
            for (int i = 0; i < 400 && pids.Length < 2; i++)
            {
                System.Threading.Thread.Sleep(25);
                pids = Directory.Exists(TestCgroups.Directory("cpu", cgroups.LveCgroup("cpu", id))) ? ProcsInLve(id).Distinct().ToArray() : [];
            }
            var status = pids.ToDictionary(p => p, p => StatusOf(File.ReadAllText("/proc/" + p + "/status")));
            status.Values.Select(s => s["Name"] + " " + s["Uid"].Split(' ')[0]).Order()
                .Should().Equal(["lverun 0", "sleep 65534"], "the command and its monitor");
            string monitor = status.Single(kv => kv.Value["Name"] == "lverun").Key;
            string relay = status[monitor]["PPid"];
            StatusOf(File.ReadAllText("/proc/" + relay + "/status"))["Name"].Should().Be("lverun");
            pids.Should().NotContain(relay, "the relay left the LVE");
            // the relay left, its entry did not: the monitor holds it, so the
            // entry limit counts the command as long as it runs
            using var lve = new LveInstance();
            lve.Usage(id).Ep.Should().Be(1, "the entry went to the monitor");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            for (int i = 0; i < 100 && ProcsInLve(id).Length > 0; i++)
                System.Threading.Thread.Sleep(20);
        }
        using (var after = new LveInstance())
            after.Usage(id).Ep.Should().Be(0, "the entry ended with the monitor");
    }

    /// <summary>A command line on a pseudo-terminal of script(1)'s: its exit status, and what appeared there.</summary>
    private ProcessResult OnTerminal(string commandLine) =>
        LverunProcess.Start("/usr/bin/script", ["-qec", commandLine, "/dev/null"],
            new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent }) is var r
            ? r with { Stdout = r.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal) } : null!;

    /// <summary>
    /// From an strace -f -y trace: lverun's moves before <paramref name="failure"/>
    /// (the enter: into LVE <paramref name="id"/> in every hierarchy) and after
    /// it (the leave: back out of it, as many).  A move is lverun's pid
    /// written to cgroup.procs (the whole process: cgroup v2), or "0" to tasks
    /// (the calling thread alone: cgroup v1, see src/LveRun/LveEntry.cs).
    /// </summary>
    private void MovesAround(string[] trace, string failure, uint id)
    {
        int at = Array.FindIndex(trace, l => l.Contains(failure, StringComparison.Ordinal));
        at.Should().BeGreaterThan(0, "the trace shows the failing call:\n" + string.Join('\n', trace));
        string pid = trace[0].Split(' ', 2)[0];
        string into = "/" + cgroups.Parent + "/" + Id(id) + "/";
        static bool Move(string line, string pid) =>
            line.StartsWith(pid + " ", StringComparison.Ordinal) &&
            (line.Contains("cgroup.procs>, \"" + pid + "\"", StringComparison.Ordinal) && line.EndsWith(" = " + pid.Length, StringComparison.Ordinal) ||
             line.Contains("/tasks>, \"0\"", StringComparison.Ordinal) && line.EndsWith(" = 1", StringComparison.Ordinal));

        string[] enter = trace[..at].Where(l => Move(l, pid)).ToArray();
        string[] leave = trace[at..].Where(l => Move(l, pid)).ToArray();
        enter.Should().NotBeEmpty().And.OnlyContain(l => l.Contains(into, StringComparison.Ordinal), "lve_enter moved lverun in");
        leave.Should().HaveCount(enter.Length, "lve_leave moves lverun back in every hierarchy:\n" + string.Join('\n', trace))
            .And.OnlyContain(l => !l.Contains("/" + cgroups.Parent + "/", StringComparison.Ordinal));
    }
}
