// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md rules 16 and 22: a command that runs as another user than
/// the caller, with a terminal attached, never gets the caller's terminal.
/// It runs in a session of its own, on a pseudo-terminal of lverun's, and
/// lverun relays input, output, the window size, ^C and ^Z and the exit
/// status.  Each run is on a fresh pseudo-terminal that is the caller's
/// controlling terminal (tests/setuid/pty-run, which also types at it when
/// what it waits for has appeared), with lverun as the session leader, as
/// a plain child, as a job of a job-control shell, or with fds 0-2
/// redirected away from the terminal (still reachable as /dev/tty).
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class TerminalTests(SetuidHost host) : IDisposable
{
    public void Dispose()
    {
        host.RemoveLveIfEmpty(host.Peer.Uid);
        host.RemoveLveIfEmpty(host.Ordinary.Uid);
    }

    /// <summary>lverun through runas as <paramref name="caller"/> (null: root), on a terminal driven by <paramref name="pty"/> options.</summary>
    private ProcessResult OnTerminal(string mode, Account? caller, string[] args, string[]? runas = null, string[]? pty = null) =>
        SetuidHost.Start(host.PtyRun, ["--mode", mode, .. pty ?? [], "--", host.Runas, .. host.RunasArguments(caller, args, runas)]);

    private static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimStart('#')).ToArray();

    private static string CallerTty(ProcessResult r) =>
        r.StdoutLines.First(l => l.StartsWith("caller-tty ", StringComparison.Ordinal))["caller-tty ".Length..];

    private string[] AsPeer(params string[] command) => ["--user", host.Peer.Name, host.Peer.Id, .. command];

    /// <summary>
    /// The command's fds 0-2 are a terminal of lverun's, its controlling
    /// one, in a session it leads: never the caller's.  What it pushes
    /// there with TIOCSTI stays there: the caller's shell, reading its
    /// terminal once lverun has returned, gets only what the caller typed.
    /// </summary>
    [SetuidTheory]
    [InlineData("root", "leader")]
    [InlineData("root", "child")]
    [InlineData("trusted", "leader")]
    [InlineData("trusted", "child")]
    public void Another_user_s_command_gets_a_terminal_of_lverun_s(string caller, string mode)
    {
        Account? account = caller == "root" ? null : host.Web;
        string report = Path.Combine(host.Scratch, "tty-" + caller + "-" + mode + "-" + host.RunId);
        string[] pty = mode == "child" ? ["--then-read", "--step", "wait:[ended]", "--step", "type:mine\\n"] : [];
        ProcessResult r = OnTerminal(mode, account, AsPeer(host.Probe, "tty", report), pty: pty);
        r.StdoutLines.Should().Contain("status exit 0", r.ToString());
        string[] lines = Lines(File.ReadAllText(report));
        File.Delete(report);
        string callers = CallerTty(r);
        string[] names = lines.Where(l => l.StartsWith("name fd", StringComparison.Ordinal)).ToArray();
        names.Should().HaveCount(3, "fds 0-2 are a terminal: " + string.Join('\n', lines));
        names.Should().OnlyContain(l => l.StartsWith("name fd", StringComparison.Ordinal) && !l.EndsWith(" " + callers, StringComparison.Ordinal),
            "none is the caller's " + callers);
        names.Select(l => l.Split(' ')[2]).Distinct().Should().ContainSingle("one terminal, lverun's");
        lines.Should().Contain(["devtty ok", "session leader no"],
            "a job of a session of lverun's (its leader is lverun's monitor), with lverun's terminal as the controlling one");
        if (mode == "child")
            r.StdoutLines.Should().Contain("then-read [mine]", "the caller's shell gets what the caller typed, nothing pushed by the command:\n" + r);
    }

    /// <summary>With fds 0-2 away from the terminal there is nothing to relay: a session of its own, with no terminal.</summary>
    [SetuidTheory]
    [InlineData("root")]
    [InlineData("trusted")]
    public void With_the_terminal_only_reachable_as_dev_tty_the_command_gets_none(string caller)
    {
        Account? account = caller == "root" ? null : host.Web;
        string report = Path.Combine(host.Scratch, "tty-redirected-" + caller + "-" + host.RunId);
        ProcessResult r = OnTerminal("redirected", account, AsPeer(host.Probe, "tty", report));
        r.StdoutLines.Should().Contain("status exit 0", r.ToString());
        string[] lines = Lines(File.ReadAllText(report));
        File.Delete(report);
        lines.Should().Equal("devtty No such device or address", "session leader yes");
    }

    /// <summary>A root caller's other fds pass on, but not a terminal among them.</summary>
    [SetuidFact]
    public void A_terminal_a_root_caller_passes_above_fd_2_is_closed()
    {
        ProcessResult r = OnTerminal("child", null, AsPeer(host.Probe, "fds"), ["--open", "5:/dev/tty", "--open", "7:/etc/hostname"]);
        r.StdoutLines.Should().Contain("status exit 0", r.ToString());
        string[] fds = r.StdoutLines.Where(l => l.StartsWith("fd ", StringComparison.Ordinal)).ToArray();
        fds.Select(l => l.Split(' ')[1]).Should().Equal(["0", "1", "2", "7"], r.ToString());
        fds.Should().NotContain(l => l.EndsWith(" " + CallerTty(r), StringComparison.Ordinal));
    }

    /// <summary>
    /// Something the command leaves behind, reading the terminal it was
    /// given, never gets what the caller types once lverun has returned:
    /// the caller's shell does.
    /// </summary>
    [SetuidFact]
    public void Nothing_left_behind_reads_what_the_caller_types_afterwards()
    {
        string stolen = Path.Combine(host.UserDirectory(host.Peer, "stolen"), "stolen");
        string script = "exec 3<&0; cat <&3 > " + stolen + " & echo started";
        ProcessResult r = OnTerminal("child", null, AsPeer("/bin/sh", "-c", script),
            pty: ["--then-read", "--step", "wait:[ended]", "--step", "type:secret\\n"]);
        r.StdoutLines.Should().Contain(["started", "then-read [secret]", "status exit 0"], r.ToString());
        for (int i = 0; i < 100 && host.ProcsIn(host.Peer.Uid).Length > 0; i++)
            System.Threading.Thread.Sleep(50);
        host.ProcsIn(host.Peer.Uid, entered: true).Should().BeEmpty("the reader left behind ends with lverun's terminal");
        (File.Exists(stolen) ? File.ReadAllText(stolen) : "").Should().NotContain("secret");
    }

    /// <summary>Input and output through lverun's terminal, its size at start and after a resize (SIGWINCH).</summary>
    [SetuidFact]
    public void Input_output_and_window_size_are_relayed()
    {
        string script = "stty size; echo ready; while [ \"$(stty size)\" = '24 80' ]; do sleep 0.05; done; stty size; " +
            "read line; echo \"got [$line]\"";
        ProcessResult r = OnTerminal("child", null, AsPeer("/bin/sh", "-c", script),
            pty: ["--size", "24", "80", "--step", "wait:ready", "--step", "size:40:100", "--step", "wait:40 100", "--step", "type:hello\\n"]);
        r.StdoutLines.Should().ContainInOrder(["24 80", "ready", "40 100", "got [hello]", "status exit 0"], r.ToString());
    }

    /// <summary>^C on the caller's terminal reaches the command in its session, through lverun's terminal.</summary>
    [SetuidTheory]
    [InlineData("leader")]
    [InlineData("job")]
    public void Ctrl_C_reaches_the_command(string mode)
    {
        ProcessResult r = OnTerminal(mode, null, AsPeer("/bin/sh", "-c", "echo ready; exec /bin/sleep 20"),
            pty: ["--step", "wait:ready", "--step", "type:\\x03"]);
        r.StdoutLines.Should().Contain(mode == "job" ? "status signal 2" : "status signal 2", r.ToString());
        host.ProcsIn(host.Peer.Uid, entered: true).Should().BeEmpty("the command is gone too");
    }

    /// <summary>
    /// ^Z stops the command, and lverun with it, so that the caller's shell
    /// has its terminal back; "fg" continues both, and the command reads
    /// what the caller types next.
    /// </summary>
    [SetuidFact]
    public void Ctrl_Z_and_fg_go_through()
    {
        ProcessResult r = OnTerminal("job", null, AsPeer("/bin/sh", "-c", "echo ready; read x; echo \"after [$x]\""),
            pty: ["--step", "wait:ready", "--step", "type:\\x1a", "--step", "wait:[stopped]", "--step", "type:f",
                "--step", "type:go\\n"]);
        int ready = r.Stdout.IndexOf("ready\n", StringComparison.Ordinal);
        int stopped = r.Stdout.IndexOf("[stopped]", StringComparison.Ordinal);
        int after = r.Stdout.IndexOf("after [go]", StringComparison.Ordinal);
        ready.Should().BeGreaterThanOrEqualTo(0, r.ToString());
        stopped.Should().BeGreaterThan(ready, "the shell saw lverun stop after ^Z:\n" + r);
        after.Should().BeGreaterThan(stopped, "fg continued the command, which read the next line:\n" + r);
        r.StdoutLines.Should().EndWith("status exit 0");
    }

    /// <summary>The command's exit status, and its death by a signal, are lverun's.</summary>
    [SetuidTheory]
    [InlineData("exit", "3", "status exit 3")]
    [InlineData("kill", "15", "status signal 15")]
    [InlineData("kill", "11", "status signal 11")]
    public void The_command_s_status_is_lverun_s(string how, string value, string status)
    {
        ProcessResult r = OnTerminal("leader", null, AsPeer(host.Probe, how, value));
        r.StdoutLines.Should().Contain(status, r.ToString());
        r.Stdout.Should().NotContain("core dumped");
    }

    /// <summary>The same command as the caller itself keeps its terminal: no pseudo-terminal, no new session.</summary>
    [SetuidFact]
    public void The_caller_s_own_command_keeps_its_terminal()
    {
        ProcessResult r = OnTerminal("child", host.Ordinary, [host.Ordinary.Id, host.Probe, "tty"]);
        string[] lines = Lines(r.Stdout);
        lines.Should().Contain(["devtty ok", "session leader no", "status exit 0"], r.ToString());
        lines.Where(l => l.StartsWith("name fd", StringComparison.Ordinal)).Should()
            .OnlyContain(l => l.EndsWith(" " + CallerTty(r), StringComparison.Ordinal));
    }

    /// <summary>
    /// An execve that fails in the child of a new session (root found the
    /// file, the target may not run it) is reported by lverun as any other:
    /// one line, 126, nothing left in the LVE.
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
            ProcessResult r = OnTerminal("leader", null, AsPeer(script));
            r.StdoutLines.Skip(1).Should().Equal([$"lverun: execve({script}): Permission denied", "status exit 126"], r.ToString());
            host.ProcsIn(host.Peer.Uid, entered: true).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(locked, recursive: true);
        }
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
        ProcessResult direct = SetuidHost.Start(host.PtyRun, ["--", host.Runas, .. options, "--", .. grep]);
        ProcessResult r = OnTerminal("leader", null, AsPeer(grep), options);
        string[] expected = direct.StdoutLines.Skip(1).ToArray();
        expected.Should().HaveCount(4, direct.ToString());
        expected.Should().Contain(l => l.StartsWith("SigIgn:", StringComparison.Ordinal) && l.EndsWith("1", StringComparison.Ordinal), "HUP");
        expected.Should().Contain("SigBlk:\t0000000000000200");
        r.StdoutLines.Skip(1).Should().Equal(expected);
    }
}
