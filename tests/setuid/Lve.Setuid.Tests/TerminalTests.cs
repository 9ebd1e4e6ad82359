using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md rule 16: a command that runs as another user than the
/// caller, with a terminal attached, cannot push input into the caller's
/// terminal (TIOCSTI): it runs in a session of its own.  Each run is on a
/// fresh pseudo-terminal that is the caller's controlling terminal
/// (tests/setuid/pty-run), with lverun as the session leader (setsid would
/// fail there with EPERM), as a plain child, and with fds 0-2 redirected
/// away from the terminal (still reachable as /dev/tty).
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class TerminalTests(SetuidHost host) : IDisposable
{
    public void Dispose()
    {
        host.RemoveLveIfEmpty(host.Peer.Uid);
        host.RemoveLveIfEmpty(host.Ordinary.Uid);
    }

    private ProcessResult OnTerminal(string mode, Account? caller, string[] args, string[]? runas = null, double? interrupt = null)
    {
        string[] pty = interrupt is { } after
            ? [mode, "--interrupt-after", after.ToString(System.Globalization.CultureInfo.InvariantCulture), "--"]
            : [mode, "--"];
        return SetuidHost.Start(host.PtyRun, [.. pty, host.Runas, .. host.RunasArguments(caller, args, runas)]);
    }

    private static bool TiocstiAllowed() =>
        !File.Exists("/proc/sys/dev/tty/legacy_tiocsti") || File.ReadAllText("/proc/sys/dev/tty/legacy_tiocsti").Trim() == "1";

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimStart('#')).ToArray();

    [SetuidTheory]
    [InlineData("root", "leader")]
    [InlineData("root", "child")]
    [InlineData("root", "redirected")]
    [InlineData("trusted", "leader")]
    [InlineData("trusted", "child")]
    public void Another_user_s_command_cannot_push_input_into_the_caller_s_terminal(string caller, string mode)
    {
        Account? account = caller == "root" ? null : host.Web;
        string report = Path.Combine(host.Scratch, "tty-" + caller + "-" + mode + "-" + host.RunId);
        ProcessResult r = OnTerminal(mode, account, ["--user", host.Peer.Name, host.Peer.Id, host.Probe, "tty", report]);
        r.ExitCode.Should().Be(0, r.ToString());
        r.StdoutLines.Should().Contain("status exit 0", r.ToString());
        string[] lines = Lines(File.ReadAllText(report));
        File.Delete(report);
        if (mode != "redirected")
            lines.Should().Contain(["tiocsti fd0 Operation not permitted", "tiocsti fd1 Operation not permitted", "tiocsti fd2 Operation not permitted"]);
        lines.Should().Contain(["devtty No such device or address", "session leader yes"], "a session of its own, with no controlling terminal");
        lines.Should().NotContain(l => l.EndsWith(" ok", StringComparison.Ordinal));
    }

    /// <summary>The same command as the caller itself keeps the terminal: the test sees TIOCSTI work when it can.</summary>
    [SetuidFact]
    public void The_caller_s_own_command_keeps_its_terminal()
    {
        ProcessResult r = OnTerminal("child", host.Ordinary, [host.Ordinary.Id, host.Probe, "tty"]);
        string[] lines = Lines(r.Stdout);
        lines.Should().Contain(["devtty ok", "session leader no", "status exit 0"], r.ToString());
        if (TiocstiAllowed())
            lines.Should().Contain(["tiocsti fd0 ok", "tiocsti devtty ok"], "dev.tty.legacy_tiocsti is 1 here");
    }

    /// <summary>Through the watching parent: the command's exit status, and its death by a signal, are lverun's.</summary>
    [SetuidTheory]
    [InlineData("exit", "3", "status exit 3")]
    [InlineData("kill", "15", "status signal 15")]
    [InlineData("kill", "11", "status signal 11")]
    public void The_command_s_status_is_lverun_s(string how, string value, string status)
    {
        ProcessResult r = OnTerminal("leader", null, ["--user", host.Peer.Name, host.Peer.Id, host.Probe, how, value]);
        r.StdoutLines.Should().Contain(status, r.ToString());
        r.Stdout.Should().NotContain("core dumped");
    }

    /// <summary>
    /// An execve that fails in the child of a new session (root found the
    /// file, the target may not run it) is reported by the parent as any
    /// other: one line, 126, nothing left in the LVE.
    /// </summary>
    [SetuidFact]
    public void A_failed_execve_in_a_new_session_is_one_line_and_126()
    {
        string locked = Path.Combine(host.Scratch, "locked-" + host.RunId);
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, (UnixFileMode)0x1c0); // 0700, root's
        string script = Path.Combine(locked, "script");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x1ed);
        try
        {
            ProcessResult r = OnTerminal("leader", null, ["--user", host.Peer.Name, host.Peer.Id, script]);
            r.StdoutLines.Should().Equal($"lverun: execve({script}): Permission denied", "status exit 126");
            host.ProcsIn(host.Peer.Uid).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(locked, recursive: true);
        }
    }

    /// <summary>^C on the terminal reaches the command in its own session, through lverun.</summary>
    [SetuidFact]
    public void Ctrl_C_reaches_the_command()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ProcessResult r = OnTerminal("leader", null, ["--user", host.Peer.Name, host.Peer.Id, "/bin/sleep", "20"], interrupt: 1.0);
        r.StdoutLines.Should().Contain("status signal 2", r.ToString());
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        host.ProcsIn(host.Peer.Uid).Should().BeEmpty("the command is gone too");
    }

    /// <summary>
    /// The command of a new session gets the caller's signal state and the
    /// umask, as in a direct exec: the same as runas gives a command
    /// directly on the same kind of terminal.
    /// </summary>
    [SetuidFact]
    public void A_new_session_keeps_the_caller_s_signal_state()
    {
        string[] options = ["--ignore", "HUP", "--block", "USR1", "--umask", "027"];
        string[] grep = ["/bin/grep", "-E", "^(SigIgn|SigBlk|Umask)", "/proc/self/status"];
        ProcessResult direct = SetuidHost.Start(host.PtyRun, ["leader", "--", host.Runas, .. options, "--", .. grep]);
        ProcessResult r = OnTerminal("leader", null, ["--user", host.Peer.Name, host.Peer.Id, .. grep], options);
        string[] expected = direct.StdoutLines;
        expected.Should().HaveCount(4, direct.ToString());
        expected.Should().Contain(l => l.StartsWith("SigIgn:", StringComparison.Ordinal) && l.EndsWith("1", StringComparison.Ordinal), "HUP");
        expected.Should().Contain("SigBlk:\t0000000000000200");
        r.StdoutLines.Should().Equal(expected);
    }
}
