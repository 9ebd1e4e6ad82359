// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md part A (the .NET runtime inside a setuid binary) and rules
/// 6-9: what a hostile caller can hand lverun before Main, through the
/// setuid copy.
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed partial class ScrubberTests(SetuidHost host)
{
    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Write(string path, string text, int mode, Account owner)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
        SetuidHost.Chown(path, owner);
    }

    /// <summary>
    /// Rule 1.  With DOTNET_DbgEnableMiniDump=1 and argv[0] in a directory
    /// the caller owns, a crash of an unscrubbed lverun runs
    /// &lt;that directory&gt;/createdump as root (measured with the binary
    /// of issue 3: a SIGSEGV 3 ms after start ran it).  SIGSEGV and SIGABRT
    /// are sent when lverun is seen in each state of its life
    /// (tests/setuid/attack): started, the runtime up, the LVE entered,
    /// privileges dropped; by root, since the caller itself can no longer
    /// signal lverun while it works (rule 20), and a crash is a crash
    /// whoever causes it.  Each state must be hit at least once; the fake
    /// createdump never runs, and there is never a core file of lverun's
    /// (with `ulimit -c unlimited`).
    /// </summary>
    [SetuidFact]
    public void A_crash_never_runs_a_createdump_beside_a_caller_chosen_argv0()
    {
        Account user = host.Ordinary;
        string dir = host.UserDirectory(user, "createdump");
        string marker = Path.Combine(dir, "createdump-ran");
        Write(Path.Combine(dir, "createdump"), "#!/bin/sh\necho \"$(id -u) $*\" >> '" + marker + "'\n", 0x1ed, user);

        // The fake works: run by the user itself, it leaves its marker.
        SetuidHost.Start(host.Runas, ["--uid", user.Id, "--gid", user.Id, "--", Path.Combine(dir, "createdump"), "check"])
            .ExitCode.Should().Be(0);
        File.Exists(marker).Should().BeTrue("the fake createdump works when it is run");
        File.Delete(marker);

        var statuses = new List<string>();
        string[] env = ["DOTNET_DbgEnableMiniDump=1", "DOTNET_DbgMiniDumpType=4",
            "DOTNET_DbgMiniDumpName=" + dir + "/dump", "DOTNET_CreateDumpDiagnostics=1", "COMPlus_DbgEnableMiniDump=1"];
        foreach (string signal in new[] { "segv", "abrt" })
        foreach (string state in new[] { "start", "runtime", "entered", "dropped" })
        {
            var seen = new List<string>();
            bool hit = false;
            for (int attempt = 0; attempt < 30 && !hit; attempt++)
            {
                host.RemoveLveIfEmpty(user.Uid);
                ProcessResult r = host.AttackAs(user, state, signal, [user.Id, "/bin/sleep", "0.05"], fromRoot: true,
                    argv0: Path.Combine(dir, "lverun"), environment: env, chdir: dir, coreUnlimited: true);
                string report = r.StdoutLines.FirstOrDefault(l => l.StartsWith("hit ", StringComparison.Ordinal) ||
                    l.StartsWith("miss ", StringComparison.Ordinal)) ?? r.ToString();
                seen.Add(report);
                hit = report.StartsWith("hit ", StringComparison.Ordinal);
                if (hit)
                    statuses.Add(signal + " at " + state + ": " +
                        (r.StdoutLines.LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal)) ?? ""));
                // A core may come from the command (sleep), which runs with the
                // caller's own `ulimit -c unlimited`; never from lverun.
                foreach (string core in Directory.GetFiles(dir, "core*"))
                {
                    CoreDump.Command(core).Should().NotBe("lverun", "lverun never dumps core (SIGSEGV at " + state + ")");
                    File.Delete(core);
                }
            }
            hit.Should().BeTrue($"lverun must be hit by {signal} in state {state}: {string.Join(" | ", seen)}");
        }
        File.Exists(marker).Should().BeFalse("createdump ran: " + (File.Exists(marker) ? File.ReadAllText(marker) : ""));
        Directory.GetFiles(dir, "dump*").Should().BeEmpty();
        // Once the runtime has its own SIGSEGV handler, a SIGSEGV sent (not
        // a fault) is swallowed; SIGABRT ends lverun (or, once it is
        // delivered late, its command) in most states.
        statuses.Should().Contain(s => s.EndsWith("status signal 6", StringComparison.Ordinal), string.Join(", ", statuses));
        host.RemoveLveIfEmpty(user.Uid);
    }

    /// <summary>
    /// Rule 4.  A setuid copy in a world-writable directory, with libc.so,
    /// liblve.so, libMonoPosixHelper.so and libSystem.Native.so planted
    /// beside it (and LD_LIBRARY_PATH pointing there): none is loaded, on a
    /// success, a refusal, an unknown command or an unknown user.
    /// </summary>
    [SetuidFact]
    public void Libraries_planted_beside_a_setuid_copy_are_never_loaded()
    {
        string dir = Path.Combine(host.Scratch, "planted-" + host.RunId);
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ff); // 0777
        try
        {
            string copy = Path.Combine(dir, "lverun");
            SetuidHost.Start("/usr/bin/install", ["-o", "root", "-g", "root", "-m", "4755", host.Binary, copy]).ExitCode.Should().Be(0);
            string[] names = ["libc.so", "libc.so.6", "liblve.so", "liblve.so.0", "libMonoPosixHelper.so", "libSystem.Native.so", "liblverun_caller.so"];
            foreach (string name in names)
                File.Copy(host.Planted, Path.Combine(dir, name));

            // The plant works: preloaded into a program run as the user, it leaves its marker.
            SetuidHost.Start(host.Runas, ["--uid", host.Ordinary.Id, "--gid", host.Ordinary.Id, "--env", "LD_PRELOAD=" + Path.Combine(dir, "libc.so"),
                "--", "/bin/true"]).ExitCode.Should().Be(0);
            File.Exists(Path.Combine(dir, "libc.so.loaded")).Should().BeTrue("the planted library works when it is loaded");
            File.Delete(Path.Combine(dir, "libc.so.loaded"));

            string[] env = ["PATH=" + dir + ":/usr/bin:/bin", "LD_LIBRARY_PATH=" + dir, "LC_ALL=C"];
            Account user = host.Ordinary;
            host.Run(user, [user.Id, "/bin/true"], environment: env, program: copy).ExitCode.Should().Be(0);
            host.Run(user, [host.Peer.Id, "/bin/true"], environment: env, program: copy).ExitCode.Should().Be(125);
            host.Run(user, [user.Id, "no-such-command-lverun"], environment: env, program: copy).ExitCode.Should().Be(127);
            // Root is not in secure mode: its own LD_LIBRARY_PATH would be its own choice, so it has none here.
            string[] rootEnv = ["PATH=" + dir + ":/usr/bin:/bin", "LC_ALL=C"];
            host.Run(null, ["-u", "no-such-user-lverun", "4242", "/bin/true"], environment: rootEnv, program: copy).ExitCode.Should().Be(125);
            host.Run(null, ["--help"], environment: rootEnv, program: copy).ExitCode.Should().Be(0);

            Directory.GetFiles(dir, "*.loaded").Should().BeEmpty("no planted library is ever loaded");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            host.RemoveLve(host.Ordinary.Uid);
        }
    }

    /// <summary>Rule 18: glibc's secure mode drops LD_PRELOAD, and lverun adds nothing that brings it back.</summary>
    [SetuidFact]
    public void LD_PRELOAD_never_loads()
    {
        Account user = host.Ordinary;
        string dir = host.UserDirectory(user, "preload");
        string lib = Path.Combine(dir, "marker.so");
        File.Copy(host.Planted, lib);
        SetuidHost.Chown(lib, user);

        host.Run(user, [user.Id, "/bin/true"], environment: ["PATH=/usr/bin:/bin", "LD_PRELOAD=" + lib, "LD_AUDIT=" + lib])
            .ExitCode.Should().Be(0);
        host.Run(user, [user.Id, "/bin/true"], environment: ["PATH=/usr/bin:/bin", "LD_PRELOAD=marker.so", "LD_LIBRARY_PATH=" + dir])
            .ExitCode.Should().Be(0);
        File.Exists(lib + ".loaded").Should().BeFalse("LD_PRELOAD never loads into lverun, nor reaches its command");

        // The same library preloaded into the user's own program does load: the test can see it.
        SetuidHost.Start(host.Runas, ["--uid", user.Id, "--gid", user.Id, "--env", "LD_PRELOAD=" + lib, "--", "/bin/true"]).ExitCode.Should().Be(0);
        File.Exists(lib + ".loaded").Should().BeTrue();
        host.RemoveLve(user.Uid);
    }

    /// <summary>
    /// Rule 2: DOTNET_DiagnosticPorts at a listening socket gets no
    /// connection, and no dotnet-diagnostic-&lt;pid&gt;-* socket appears for
    /// lverun's pid.
    /// </summary>
    [SetuidFact]
    public void Diagnostic_ports_are_never_used()
    {
        Account user = host.Ordinary;
        string dir = host.UserDirectory(user, "diag");
        string path = Path.Combine(dir, "diag.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(8);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ff);

        string[] env = ["PATH=/usr/bin:/bin", "DOTNET_DiagnosticPorts=" + path + ",suspend", "DOTNET_EnableDiagnostics=1",
            "DOTNET_EnableDiagnostics_IPC=1", "DOTNET_EnableEventPipe=1", "DOTNET_EventPipeOutputPath=" + dir + "/trace.nettrace",
            "DOTNET_EventPipeConfig=*", "TMPDIR=" + dir];
        int pid = 0;
        var seen = new List<string>();
        ProcessResult r = host.Run(user, [user.Id, "/bin/sleep", "0.3"], environment: env, started: p =>
        {
            pid = p;
            System.Threading.Thread.Sleep(150);
            seen.AddRange(Sockets(p));
        });
        r.ExitCode.Should().Be(0, r.ToString());
        listener.Poll(0, SelectMode.SelectRead).Should().BeFalse("nobody connected to the diagnostic port");
        seen.Concat(Sockets(pid)).Should().BeEmpty();
        Directory.GetFiles(dir).Should().Equal(path);
        host.RemoveLve(user.Uid);

        IEnumerable<string> Sockets(int p) =>
            new[] { "/tmp", dir }.SelectMany(d => Directory.GetFileSystemEntries(d, "dotnet-diagnostic-" + Id(p) + "-*"));
    }

    /// <summary>
    /// Rules 3 and 14: everything lverun opens (strace -f, from its execve
    /// to the command's): no ICU, libssl or libcrypto; shared libraries
    /// only from the system directories; nothing beside the binary; and
    /// TZ=/etc/shadow is never opened: lverun never acts on TZ.  For a
    /// caller that is not root and for root.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("root")]
    public void Opens_no_ICU_no_crypto_no_stray_library_and_never_TZ(string caller)
    {
        Account? user = caller == "root" ? null : host.Ordinary;
        string trace = Path.Combine(host.Scratch, "trace-" + host.RunId);
        string lve = user?.Id ?? host.Peer.Id;
        string[] env = ["PATH=/usr/bin:/bin", "TZ=/etc/shadow", "LANG=de_DE.UTF-8", "LC_ALL=de_DE.UTF-8",
            "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=0", "DOTNET_SYSTEM_GLOBALIZATION_PREDEFINED_CULTURES_ONLY=0",
            "DOTNET_OPENSSL_VERSION_OVERRIDE=3", "SSL_CERT_FILE=/etc/shadow"];
        try
        {
            var args = new List<string> { "-f", "-qq", "-o", trace, "-e", "trace=open,openat,openat2,execve", host.Runas };
            if (user is not null)
                args.AddRange(["--uid", user.Id, "--gid", user.Id]);
            foreach (string dir in host.RunCgroups.Values.Distinct())
                args.AddRange(["--cgroup", dir]);
            args.Add("--env-clear");
            foreach (string e in env)
                args.AddRange(["--env", e]);
            args.AddRange(["--", host.Binary, lve, "/bin/true"]);
            ProcessResult r = SetuidHost.Start("/usr/bin/strace", args);
            r.ExitCode.Should().Be(0, r.ToString());

            string[] lines = File.ReadAllLines(trace);
            int start = Array.FindIndex(lines, l => l.Contains("execve(\"" + host.Binary + "\"", StringComparison.Ordinal));
            int end = Array.FindIndex(lines, start + 1, l => l.Contains("execve(\"/bin/true\"", StringComparison.Ordinal) ||
                l.Contains("execve(\"/usr/bin/true\"", StringComparison.Ordinal));
            start.Should().BeGreaterThanOrEqualTo(0);
            end.Should().BeGreaterThan(start, string.Join('\n', lines));
            string[] opened = lines[start..end].Select(l => OpenedPath().Match(l)).Where(m => m.Success)
                .Select(m => m.Groups[1].Value).ToArray();
            opened.Should().NotBeEmpty();
            opened.Should().NotContain(p => p.Contains("icu", StringComparison.OrdinalIgnoreCase) ||
                p.Contains("libssl", StringComparison.Ordinal) || p.Contains("libcrypto", StringComparison.Ordinal));
            opened.Should().NotContain("/etc/shadow");
            opened.Should().NotContain(p => p.Contains("zoneinfo", StringComparison.Ordinal) || p.Contains("locale", StringComparison.Ordinal));
            opened.Where(p => p.Contains(".so", StringComparison.Ordinal)).Should().OnlyContain(p =>
                p.StartsWith("/lib/", StringComparison.Ordinal) || p.StartsWith("/usr/lib/", StringComparison.Ordinal) ||
                p.StartsWith("/lib64/", StringComparison.Ordinal) || p == "/etc/ld.so.cache");
            opened.Should().NotContain(p => p.StartsWith(host.Dir + "/", StringComparison.Ordinal) && p != host.ConfigPath,
                "nothing beside the binary is opened but the configuration");
        }
        finally
        {
            File.Delete(trace);
            host.RemoveLve(uint.Parse(lve, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex("(?:open|openat|openat2)\\((?:AT_FDCWD, |\\d+, )?\"([^\"]*)\"")]
    private static partial Regex OpenedPath();

    /// <summary>
    /// Rule 5: no part of Mono.Posix that needs libMonoPosixHelper.so is in
    /// the binary (NativeAOT keeps the library name of every P/Invoke it
    /// could make, so none can reach it), and the binary needs only libc,
    /// libm and the loader.
    /// </summary>
    [SetuidFact]
    public void Nothing_in_the_binary_can_reach_libMonoPosixHelper()
    {
        byte[] binary = File.ReadAllBytes(host.Binary);
        foreach (string name in new[] { "MonoPosixHelper", "libSystem.Native.so", "libicu", "libssl" })
            binary.AsSpan().IndexOf(Encoding.ASCII.GetBytes(name)).Should().Be(-1, name);
        ProcessResult r = SetuidHost.Start("/usr/bin/ldd", [host.Binary]);
        r.StdoutLines.Select(l => l.Trim().Split(' ')[0]).Should().OnlyContain(l =>
            l == "linux-vdso.so.1" || l == "libc.so.6" || l == "libm.so.6" || l.Contains("ld-linux", StringComparison.Ordinal));
    }

    /// <summary>Rule 1: argc 0 (Linux hands over { "" }) and an empty argv[0] exit 127 at once, with one line.</summary>
    [SetuidTheory]
    [InlineData("--no-argv")]
    [InlineData("--argv0=")]
    public void Argc_0_exits_127_without_a_crash(string how)
    {
        string[] options = how == "--no-argv" ? ["--no-argv"] : ["--argv0", ""];
        ProcessResult r = host.Run(host.Ordinary, [host.Ordinary.Id, "/bin/true"], options);
        r.ExitCode.Should().Be(127, r.ToString());
        r.StderrLines.Should().Equal("lverun: argv: empty (argc 0 or no argv[0]): refusing to run");
        host.LveExists(host.Ordinary.Uid).Should().BeFalse();
    }

    /// <summary>
    /// Rule 6: whatever it is given, lverun ends with one of its exit codes
    /// (or the command's), never a signal of its own, never a core file,
    /// and says at most one line.
    /// </summary>
    public static TheoryData<string, string[], string[], int, string> Hostile => new()
    {
        // hard limits lverun must raise (needs CAP_SYS_RESOURCE), else a clean 125 naming the limit
        { "ulimit -n 5", ["--rlimit", "nofile=5:5"], [], 0, "lverun: RLIMIT_NOFILE: 5 (hard 5) is below the 32 lverun needs" },
        { "ulimit -n 4", ["--rlimit", "nofile=4:4"], [], 0, "lverun: RLIMIT_NOFILE: 4 (hard 4) is below the 32 lverun needs" },
        { "ulimit -v 20000", ["--rlimit", "as=20480000:20480000"], [], 0, "lverun: RLIMIT_AS: 20480000 (hard 20480000) is below the 536870912 lverun needs" },
        { "ulimit -d 20000", ["--rlimit", "data=20480000:20480000"], [], 0, "lverun: RLIMIT_DATA: 20480000 (hard 20480000) is below the 268435456 lverun needs" },
        { "all at once", ["--rlimit", "nofile=4:4", "--rlimit", "as=20480000:20480000", "--rlimit", "nproc=1:1", "--rlimit", "stack=16384:16384"], [], 0,
            "lverun: RLIMIT_NOFILE: 4 (hard 4) is below the 32 lverun needs" },
        // soft limits lverun raises as far as the hard ones, which any process may
        { "ulimit -Sn 4", ["--rlimit", "nofile=4:4096"], [], 0, "" },
        { "ulimit -Sv 20000", ["--rlimit", "as=20480000:u"], [], 0, "" },
        { "ulimit -Sd 20000", ["--rlimit", "data=20480000:u"], [], 0, "" },
        { "ulimit -s 16", ["--rlimit", "stack=16384:16384"], [], 0, "lverun: RLIMIT_STACK: 16384 (hard 16384) is below the 262144 lverun needs" },
        // lverun's real uid is 0 while it works (rule 20): the drop back to
        // the caller's counts lverun's threads against the caller's
        // RLIMIT_NPROC, which lverun cannot raise for itself without
        // CAP_SYS_RESOURCE, and the kernel may then refuse the command's
        // execve (EAGAIN): 126 or 0, as the threads' drops fall
        { "ulimit -u 1", ["--rlimit", "nproc=1:1"], [], 0, "lverun: execve(/bin/true): Resource temporarily unavailable" },
        { "ulimit -i 0", ["--rlimit", "sigpending=0:0"], [], 0, "" },
        { "ulimit -f 0", ["--rlimit", "fsize=0:0"], [], 0, "" },
        { "ulimit -c unlimited", ["--rlimit", "core=u:u"], [], 0, "" },
        { "stdout closed", ["--close", "1"], [], 0, "" },
        { "stdin, stdout and stderr closed", ["--close", "0", "--close", "1", "--close", "2"], [], 0, "" },
        { "stdout closed, an error", ["--close", "1"], ["{other}"], 125, "" },
        { "stderr closed, an error", ["--close", "2"], ["{other}"], 125, "" },
        { "every signal blocked", ["--block", "HUP", "--block", "INT", "--block", "TERM", "--block", "CHLD", "--block", "USR1", "--block", "USR2", "--block", "ALRM", "--block", "SEGV", "--block", "34", "--block", "35", "--block", "36"], [], 0, "" },
        { "SIGCHLD, SIGPIPE and SIGSEGV ignored", ["--ignore", "CHLD", "--ignore", "PIPE", "--ignore", "SEGV"], [], 0, "" },
        { "umask 0777", ["--umask", "777"], [], 0, "" },
        { "cwd unsearchable", ["--chdir", "/root"], [], 0, "" },
        { "a newline in the LVE id", [], ["{own}\n"], 125, "" },
    };

    [SetuidTheory]
    [MemberData(nameof(Hostile))]
    public void Never_aborts(string what, string[] options, string[] args, int status, string refusal)
    {
        Account user = host.Ordinary;
        string[] lverunArgs = args.Length == 0 ? [user.Id, "/bin/true"]
            : [.. args.Select(a => a.Replace("{own}", user.Id, StringComparison.Ordinal).Replace("{other}", host.Peer.Id, StringComparison.Ordinal)), "/bin/true"];
        ProcessResult r = host.Run(user, lverunArgs, options);
        if (refusal.Contains("execve(", StringComparison.Ordinal) && !SetuidHost.CanRaiseHardLimits)
        {
            r.ExitCode.Should().BeOneOf([0, 126], what + " (root here lacks CAP_SYS_RESOURCE)\n" + r);
            if (r.ExitCode == 126)
                r.StderrLines.Should().Equal(refusal);
        }
        else if (refusal.Length > 0 && !SetuidHost.CanRaiseHardLimits)
        {
            r.ExitCode.Should().Be(125, what + " (root here lacks CAP_SYS_RESOURCE)\n" + r);
            r.StderrLines.Should().Equal(refusal);
        }
        else
        {
            r.ExitCode.Should().Be(status, what + "\n" + r);
        }
        r.StderrLines.Should().HaveCountLessThanOrEqualTo(1, what);
        r.Stderr.Should().NotContain("runas:", what);
        host.LveExists(host.Peer.Uid).Should().BeFalse();
        host.RemoveLve(user.Uid);
    }

    /// <summary>
    /// With one fd left the dynamic loader itself cannot open libc, before
    /// any of lverun runs: it exits 127 with its own line.  Still no crash.
    /// </summary>
    [SetuidFact]
    public void Ulimit_n_3_stops_in_the_loader()
    {
        ProcessResult r = host.Run(host.Ordinary, [host.Ordinary.Id, "/bin/true"], ["--rlimit", "nofile=3:3"]);
        r.ExitCode.Should().Be(127, r.ToString());
        r.StderrLines.Should().ContainSingle().Which.Should().Contain("error while loading shared libraries");
        host.LveExists(host.Ordinary.Uid).Should().BeFalse();
    }

    /// <summary>Bytes that are not UTF-8 where lverun reads them (the LVE id, --user) and where it only passes them on.</summary>
    [SetuidTheory]
    [InlineData("ordinary", "\"$0\" \"$(printf '1\\377')\" /bin/true", 125, "lverun: LVE id '1\ufffd': not a number from 1 to 2147483647")]
    [InlineData("root", "\"$0\" -u \"$(printf 'root\\377')\" 4242 /bin/true", 125, "lverun: argument 2: not valid UTF-8")]
    [InlineData("ordinary", "\"$0\" {own} /bin/echo \"$(printf 'a\\377b')\"", 0, "")]
    public void Never_aborts_on_bytes_that_are_not_UTF_8(string caller, string script, int status, string error)
    {
        Account? user = caller == "root" ? null : host.Ordinary;
        ProcessResult r = host.Run(user, ["-c", script.Replace("{own}", host.Ordinary.Id, StringComparison.Ordinal), host.Binary],
            program: "/bin/sh");
        r.ExitCode.Should().Be(status, r.ToString());
        if (error.Length > 0)
            r.StderrLines.Should().Equal(error);
        else
            r.Stderr.Should().BeEmpty();
        host.RemoveLve(host.Ordinary.Uid);
    }

    [SetuidFact]
    public void Never_aborts_on_huge_arguments_and_environments()
    {
        Account user = host.Ordinary;
        string[] many = Enumerable.Range(0, 20000).Select(i => "a" + Id(i)).ToArray();
        ProcessResult r = host.Run(user, [user.Id, "/bin/sh", "-c", "echo $#", "sh", .. many]);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("20000\n");

        string big = new('x', 120 * 1024);
        r = host.Run(user, [user.Id, "/bin/sh", "-c", "echo ${#1}", "sh", big]);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be(Id(big.Length) + "\n");

        string[] env = ["PATH=/usr/bin:/bin", .. Enumerable.Range(0, 20000).Select(i => "V" + Id(i) + "=" + Id(i)), "HTTP_BIG=" + big];
        r = host.Run(user, [user.Id, "/bin/sh", "-c", "echo ${#HTTP_BIG}"], environment: env);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be(Id(big.Length) + "\n");

        r = host.Run(user, [user.Id, "/bin/true"], environment: []);
        r.ExitCode.Should().Be(0, "an empty environment: " + r);
        host.RemoveLve(user.Uid);
    }

    /// <summary>
    /// Rule 8: when lverun cannot make a limit workable (run without
    /// privilege, so it cannot raise a hard limit) it exits 125 with one line
    /// instead of letting the runtime fail.
    /// </summary>
    [SetuidFact]
    public void A_limit_it_cannot_raise_is_a_clean_125()
    {
        string plain = Path.Combine(host.Scratch, "lverun-plain-" + host.RunId);
        File.Copy(host.Binary, plain);
        File.SetUnixFileMode(plain, (UnixFileMode)0x1ed); // 0755, no setuid bit
        try
        {
            ProcessResult r = host.Run(host.Ordinary, ["--version"], ["--rlimit", "nofile=8:8"], program: plain);
            r.ExitCode.Should().Be(125, r.ToString());
            r.StderrLines.Should().Equal("lverun: RLIMIT_NOFILE: 8 (hard 8) is below the 32 lverun needs");
            r = host.Run(host.Ordinary, ["--version"], ["--rlimit", "as=20480000:20480000"], program: plain);
            r.ExitCode.Should().Be(125, r.ToString());
            r.StderrLines.Should().Equal("lverun: RLIMIT_AS: 20480000 (hard 20480000) is below the 536870912 lverun needs");
            r = host.Run(host.Ordinary, ["--version"], ["--rlimit", "nofile=32:32", "--rlimit", "as=536870912:536870912"], program: plain);
            r.ExitCode.Should().Be(0, "at what it needs, it runs: " + r);
        }
        finally
        {
            File.Delete(plain);
        }
    }

    /// <summary>
    /// Rule 9: lverun may be killed at any instant, SIGKILL or SIGTERM (which
    /// runs no exit handler as root: lverun has none), by root, or by its
    /// terminal (^C).  Each signal is sent when lverun is seen in each state
    /// (tests/setuid/attack: the runtime up, a lock on the LVE tree held,
    /// the LVE entered, privileges dropped), each state hit at least once,
    /// with the LVE new each time (creating it takes longest).  Nothing is
    /// left half-done: the next run enters the same LVE, and no process or
    /// stray cgroup remains.
    /// </summary>
    [SetuidTheory]
    [InlineData("kill")]
    [InlineData("term")]
    public void Killed_at_any_instant_leaves_nothing_inconsistent(string signal)
    {
        Account user = host.Ordinary;
        foreach (string state in new[] { "runtime", "lock", "entered", "dropped" })
        {
            var seen = new List<string>();
            bool hit = false;
            for (int attempt = 0; attempt < 30 && !hit; attempt++)
            {
                host.RemoveLveIfEmpty(user.Uid);
                ProcessResult killed = host.AttackAs(user, state, signal, [user.Id, "/bin/true"], fromRoot: true);
                string report = killed.StdoutLines.FirstOrDefault(l => l.StartsWith("hit ", StringComparison.Ordinal) ||
                    l.StartsWith("miss ", StringComparison.Ordinal)) ?? killed.ToString();
                seen.Add(report);
                hit = report.StartsWith("hit ", StringComparison.Ordinal);
                if (hit)
                    killed.StdoutLines.Should().Contain(signal == "kill" ? "status signal 9" : "status signal 15", state + "\n" + killed);
                ProcessResult next = host.Run(user, [user.Id, "/bin/cat", "/proc/self/cgroup"]);
                next.ExitCode.Should().Be(0, next.ToString());
                next.StdoutLines.Should().Contain(l => l.EndsWith(":cpu:" + host.LveCgroup("cpu", user.Uid), StringComparison.Ordinal));
                host.ProcsIn(user.Uid, entered: true).Should().BeEmpty();
            }
            hit.Should().BeTrue($"lverun must be hit in state {state}: {string.Join(" | ", seen)}");
        }
        host.RemoveLve(user.Uid);
        host.StrayCgroups().Should().BeEmpty();
    }
}
