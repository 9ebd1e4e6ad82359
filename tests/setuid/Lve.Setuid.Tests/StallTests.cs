// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FluentAssertions;
using Xunit;
using Xunit.Abstractions;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md rule 20: no caller can stall anyone else's lverun.  One
/// account (Ordinary) attacks its own setuid lverun the way it can: kill(2)
/// with SIGSTOP, SIGTSTP or SIGKILL, ^Z typed on its terminal, or
/// SCHED_IDLE, nice 19 and one CPU while its own busy loops fill every CPU;
/// or it holds flock on every directory of the LVE tree it can open.  Each
/// attack is made when lverun reaches a state anyone can see in /proc
/// (tests/setuid/attack): the runtime started, a lock held on the LVE
/// tree, the LVE entered, the privileges dropped.  While the attacker's
/// lverun is stopped, slowed or killed there, another account's (Peer's)
/// and root's lverun, each into an LVE that does not exist yet (so that it
/// needs the tree's exclusive lock), must finish promptly and succeed.
///
/// "Promptly" is 5 seconds: a stall is what the test looks for, not speed
/// (either victim takes tens of milliseconds here, and a stalled one waits
/// as long as the attacker pleases; each victim is given 20 s before it
/// counts as stalled and is killed).  Every (attack, state) pair runs until
/// lverun was hit in that state, at most <see cref="Attempts"/> times, and
/// at least one hit is required: an attack that never landed where it
/// meant to would prove nothing.
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class StallTests(SetuidHost host, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(20);
    private const int Attempts = 30;

    public void Dispose()
    {
        foreach (uint id in new[] { host.Ordinary.Uid, host.Peer.Uid, host.Low.Uid })
            host.RemoveLveIfEmpty(id);
    }

    public static TheoryData<string, string> Attacks()
    {
        var rows = new TheoryData<string, string>();
        foreach (string action in new[] { "stop", "tstp", "ctrl-z", "kill", "slow" })
            foreach (string state in new[] { "runtime", "lock", "entered", "dropped" })
                rows.Add(action, state);
        return rows;
    }

    [SetuidTheory]
    [MemberData(nameof(Attacks))]
    public void No_account_stalls_another_s_or_root_s_lverun(string action, string state)
    {
        Account attacker = host.Ordinary;
        var seen = new List<string>();
        int hits = 0;
        for (int attempt = 0; attempt < Attempts && hits == 0; attempt++)
        {
            // A new LVE each time: creating it holds the tree's lock longest.
            host.RemoveLveIfEmpty(attacker.Uid);
            AttackOutcome outcome = RunAttack(attacker, action, state);
            seen.Add(outcome.Report);
            if (!outcome.Hit)
                continue;
            outcome.Final.Should().BeOneOf(["status exit 0", "status signal 9"], outcome.ToString());
            if (action == "slow" && state != "dropped")
            {
                // a sample taken once lverun had dropped privileges may show
                // the caller's scheduling given back for the command: not a hit
                if (!outcome.Sched.EndsWith(" euid 0", StringComparison.Ordinal))
                    continue;
                outcome.Sched.Should().Be("lverun-sched policy 0 nice 0 cpus " + OwnCpus() + " euid 0",
                    "lverun works with SCHED_OTHER, nice 0 and every CPU, whatever its caller gave it:\n" + outcome);
            }
            hits++;
        }
        output.WriteLine($"{action} at {state}: hit after {seen.Count} run(s): {string.Join(" | ", seen)}");
        hits.Should().BeGreaterThan(0, $"lverun must be hit in state {state} at least once in {Attempts} runs: {string.Join(" | ", seen)}");

        // Whatever hit it, the attacker's next run enters its LVE as usual (rule 9).
        ProcessResult next = host.Run(attacker, [attacker.Id, "/bin/cat", "/proc/self/cgroup"]);
        next.ExitCode.Should().Be(0, next.ToString());
        next.StdoutLines.Should().Contain(l => l.EndsWith(":cpu:" + host.LveCgroup("cpu", attacker.Uid), StringComparison.Ordinal));
        host.ProcsIn(attacker.Uid, entered: true).Should().BeEmpty();
        host.StrayCgroups().Should().BeEmpty();
    }

    /// <summary>
    /// What lverun undid for its own run, the command gets back exactly:
    /// SCHED_IDLE, nice 19, CPU 0 alone and the idle I/O class, as the same
    /// probe shows them when the caller runs it directly.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("trusted")]
    public void The_command_runs_with_the_caller_s_scheduling(string caller)
    {
        Account account = caller == "ordinary" ? host.Ordinary : host.Web;
        Account target = caller == "ordinary" ? host.Ordinary : host.Peer;
        string[] user = caller == "ordinary" ? [] : ["--user", target.Name];
        const string expected = "sched policy 5 nice 19 cpus 0 ioprio 3/0";
        AttackOutcome direct = RunAttack(account, "none", "start", ["--idle"], [host.Probe, "sched"]);
        direct.Lines.Should().Contain(expected, "the caller's own scheduling, as the probe shows it");
        AttackOutcome through = RunAttack(account, "none", "start", ["--idle"], [host.Binary, .. user, target.Id, host.Probe, "sched"]);
        through.Lines.Should().Contain(expected, through.ToString());
        through.Final.Should().Be("status exit 0");
    }

    /// <summary>
    /// The account keeps flock(LOCK_EX) on every directory of this run's
    /// cgroups it can open (the LVE parents, its own LVE, the others'),
    /// and any fd it could get: nobody else's lverun waits for it.
    /// </summary>
    [SetuidFact]
    public void Locks_an_account_can_take_stall_nobody()
    {
        Account attacker = host.Ordinary;
        // Every LVE of the lane exists once, so that its directory can be tried.
        foreach (Account a in new[] { attacker, host.Peer })
            host.Run(a, [a.Id, "/bin/true"]).ExitCode.Should().Be(0);
        string[] dirs = host.RunCgroups.Values.Distinct()
            .SelectMany(d => Directory.GetDirectories(d, "*", SearchOption.AllDirectories).Prepend(d)).ToArray();
        host.RemoveLve(host.Peer.Uid);
        AttackOutcome outcome = RunAttack(attacker, "none", "start", dirs.SelectMany(d => new[] { "--hold-locks", d }).ToArray());
        outcome.Hit.Should().BeTrue(outcome.ToString());
        output.WriteLine(outcome.Held);
        outcome.Final.Should().Be("status exit 0", outcome.ToString());
    }

    /// <summary>The CPUs this test may use (Cpus_allowed_list), and so lverun's when nothing restricts it.</summary>
    private static string OwnCpus() =>
        File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
            .Split('\t', 2)[1].Trim();

    private sealed record AttackOutcome(bool Hit, string Report, string Held, string Sched, string Final, string All, string[] Lines)
    {
        public override string ToString() => All;
    }

    /// <summary>
    /// One attack; on a hit, the victims while it lasts.  The victims'
    /// checks fail the test at once (after the attacker is released).
    /// </summary>
    private AttackOutcome RunAttack(Account attacker, string action, string state, string[]? extra = null, string[]? program = null)
    {
        string release = Path.Combine(host.Scratch, "release-" + host.RunId);
        File.Delete(release);
        var args = new List<string>
        {
            "--uid", attacker.Id, "--gid", attacker.Gid.ToString(CultureInfo.InvariantCulture),
            "--groups", string.Join(',', attacker.Groups),
        };
        foreach (string dir in host.RunCgroups.Values.Distinct())
            args.AddRange(["--cgroup", dir]);
        if (action == "ctrl-z")
            args.Add("--pty");
        if (action == "slow")
            args.AddRange(["--idle", "--busy", "1"]);
        args.AddRange(extra ?? []);
        args.AddRange(["--lve", "/" + host.Parent + "/" + attacker.Id, "--target-uid", attacker.Id, "--release", release,
            "--timeout", "20", "--state", state, "--action", action is "slow" ? "none" : action,
            "--", .. program ?? [host.Binary, attacker.Id, "/bin/true"]]);

        var start = new ProcessStartInfo(host.Attack)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
            start.ArgumentList.Add(a);
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        using Process attack = Process.Start(start) ?? throw new InvalidOperationException("cannot start attack");
        attack.StandardInput.Close();
        var stderr = attack.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        string? report = null, held = "";
        Exception? victimFailure = null;
        try
        {
            while (report is null)
            {
                var read = attack.StandardOutput.ReadLineAsync();
                if (!read.Wait(TimeSpan.FromSeconds(60)) || read.Result is null)
                    throw new InvalidOperationException("attack said nothing: " + string.Join('\n', lines));
                lines.Add(read.Result);
                if (read.Result.StartsWith("held ", StringComparison.Ordinal))
                    held = read.Result;
                if (read.Result.StartsWith("hit ", StringComparison.Ordinal) || read.Result.StartsWith("miss ", StringComparison.Ordinal))
                    report = read.Result;
            }
            if (report.StartsWith("hit ", StringComparison.Ordinal) && program is null)
            {
                try
                {
                    Victims(action + " at " + state + " (" + report + ")");
                }
                catch (Exception e)
                {
                    victimFailure = e;
                }
            }
        }
        finally
        {
            File.WriteAllText(release, "");
            if (!attack.WaitForExit(TimeSpan.FromSeconds(90)))
                attack.Kill(entireProcessTree: true);
            attack.WaitForExit();
            File.Delete(release);
        }
        lines.AddRange(attack.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        string all = string.Join('\n', lines) + "\nstderr: " + stderr.Result;
        if (victimFailure is not null)
            throw new Xunit.Sdk.XunitException(victimFailure.Message + "\nthe attack: " + all);
        attack.ExitCode.Should().Be(0, all);
        return new AttackOutcome(report.StartsWith("hit ", StringComparison.Ordinal), report, held,
            lines.FirstOrDefault(l => l.StartsWith("lverun-sched ", StringComparison.Ordinal)) ?? "",
            lines.LastOrDefault(l => l.StartsWith("status ", StringComparison.Ordinal)) ?? "", all, lines.ToArray());
    }

    /// <summary>Peer's and root's lverun, each into a new LVE: done in time, and right.</summary>
    private void Victims(string because)
    {
        foreach (var (who, lve) in new (Account?, Account)[] { (host.Peer, host.Peer), (null, host.Low) })
        {
            host.RemoveLveIfEmpty(lve.Uid);
            var clock = Stopwatch.StartNew();
            ProcessResult r;
            try
            {
                r = host.Run(who, [lve.Id, "/bin/cat", "/proc/self/cgroup"], timeout: Stalled);
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException($"{who?.ToString() ?? "root"}'s lverun stalled for {Stalled.TotalSeconds} s: {because}");
            }
            clock.Stop();
            r.ExitCode.Should().Be(0, because + "\n" + r);
            r.StdoutLines.Should().Contain(l => l.EndsWith(":cpu:" + host.LveCgroup("cpu", lve.Uid), StringComparison.Ordinal), because);
            clock.Elapsed.Should().BeLessThan(Prompt, $"{who?.ToString() ?? "root"}'s lverun must not wait for {because}");
            host.RemoveLveIfEmpty(lve.Uid);
        }
    }
}
