// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md rule 21: the command lookup is no oracle.  Whether a path
/// behind a directory the caller cannot search exists, is a directory or a
/// program, lverun answers the same: exit status, message (but for the
/// path itself), and nothing entered or created.  With --user, the target
/// must also be able to run the file, and what it cannot reach is
/// "Permission denied" too.  And a path swapped while lverun looks (a
/// symbolic link the caller flips) never gets another answer.
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class LookupTests(SetuidHost host) : IDisposable
{
    public void Dispose()
    {
        host.RemoveLveIfEmpty(host.Ordinary.Uid);
        host.RemoveLveIfEmpty(host.Peer.Uid);
    }

    /// <summary>A directory of <paramref name="owner"/>'s, mode <paramref name="mode"/>, holding prog (0755), sub/ and sub/prog.</summary>
    private string Private(Account owner, int mode)
    {
        string dir = host.UserDirectory(owner, "private");
        string prog = Path.Combine(dir, "prog");
        File.WriteAllText(prog, "#!/bin/sh\necho ran as $(id -u)\n");
        File.SetUnixFileMode(prog, (UnixFileMode)0x1ed);
        SetuidHost.Chown(prog, owner);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.Copy(prog, Path.Combine(dir, "sub", "prog"));
        File.SetUnixFileMode(dir, (UnixFileMode)mode);
        return dir;
    }

    private (Account Caller, string[] User, Account Target) Who(string caller) => caller == "ordinary"
        ? (host.Ordinary, [], host.Ordinary)
        : (host.Web, ["--user", host.Ordinary.Name], host.Ordinary);

    private ProcessResult Look(string caller, string path)
    {
        var (account, user, target) = Who(caller);
        host.RemoveLveIfEmpty(target.Uid);
        ProcessResult r = host.Run(account, [.. user, target.Id, path]);
        return r with { Stderr = r.Stderr.Replace(path, "PATH", StringComparison.Ordinal) };
    }

    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("trusted")]
    public void Behind_a_directory_the_caller_cannot_search_everything_answers_alike(string caller)
    {
        string dir = Private(host.Peer, 0x1c0); // 0700, Peer's
        var answers = new Dictionary<string, ProcessResult>();
        foreach (string name in new[] { "missing", "prog", "sub", "sub/prog", "sub/missing", "missing/prog" })
        {
            ProcessResult r = Look(caller, Path.Combine(dir, name));
            answers[name] = r;
            host.LveExists(host.Ordinary.Uid).Should().BeFalse(name + ": nothing is entered or created");
        }
        foreach (var (name, r) in answers)
        {
            r.ExitCode.Should().Be(126, name + "\n" + r);
            r.StderrLines.Should().Equal(["lverun: PATH: Permission denied"], name);
            r.Stdout.Should().BeEmpty(name);
        }
    }

    /// <summary>
    /// With --user: the caller reaches the file, the target does not (a
    /// directory of the caller's own, 0700): "Permission denied", nothing
    /// entered; a file missing there is "No such file", as the caller could
    /// see for itself.  A file only the target may run (0700, in a
    /// directory the caller may search) runs.
    /// </summary>
    [SetuidFact]
    public void With_user_the_target_must_reach_and_run_it_too()
    {
        string callers = Private(host.Web, 0x1c0); // 0700, the web account's
        ProcessResult r = Look("trusted", Path.Combine(callers, "prog"));
        r.ExitCode.Should().Be(126, r.ToString());
        r.StderrLines.Should().Equal("lverun: PATH: Permission denied");
        host.LveExists(host.Ordinary.Uid).Should().BeFalse();
        r = Look("trusted", Path.Combine(callers, "missing"));
        r.ExitCode.Should().Be(127, r.ToString());
        r.StderrLines.Should().Equal("lverun: PATH: No such file or directory");

        string targets = Private(host.Ordinary, 0x1ed); // 0755, the target's
        string only = Path.Combine(targets, "prog");
        File.SetUnixFileMode(only, (UnixFileMode)0x1c0); // 0700: only the target may run it
        r = Look("trusted", only);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stdout.Should().Be("ran as " + host.Ordinary.Id + "\n");
    }

    /// <summary>
    /// The caller flips a symbolic link of its own between a program and a
    /// missing file, both behind Peer's private directory, as fast as it
    /// can while lverun looks the link up again and again: every answer is
    /// the one either path gets on its own.
    /// </summary>
    [SetuidTheory]
    [InlineData("ordinary")]
    [InlineData("trusted")]
    public void A_path_swapped_while_lverun_looks_gets_no_other_answer(string caller)
    {
        var (account, user, target) = Who(caller);
        string hidden = Private(host.Peer, 0x1c0);
        string own = host.UserDirectory(account, "swap");
        string link = Path.Combine(own, "link");
        string stop = Path.Combine(own, "stop");
        string flip = "cd " + own + " && while [ ! -e stop ]; do ln -sfn " + hidden + "/prog a && mv -T a link; " +
            "ln -sfn " + hidden + "/missing b && mv -T b link; done";
        SetuidHost.Start(host.Runas, ["--uid", account.Id, "--gid", account.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--", "/bin/ln", "-s", hidden + "/prog", link]).ExitCode.Should().Be(0);
        var flipper = System.Threading.Tasks.Task.Run(() => SetuidHost.Start(host.Runas,
            ["--uid", account.Id, "--gid", account.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", "/bin/sh", "-c", flip],
            TimeSpan.FromSeconds(120)));
        var seen = new HashSet<string>();
        int runs = 0;
        try
        {
            while (runs < 60 && !flipper.IsCompleted)
            {
                host.RemoveLveIfEmpty(target.Uid);
                ProcessResult r = host.Run(account, [.. user, target.Id, link]);
                seen.Add(r.ExitCode + " " + r.Stderr.Trim() + (host.LveExists(target.Uid) ? " (entered)" : ""));
                runs++;
            }
        }
        finally
        {
            File.WriteAllText(stop, "");
            flipper.Wait(TimeSpan.FromSeconds(120));
        }
        runs.Should().BeGreaterThan(10, "lverun ran while the link flipped");
        seen.Should().Equal(["126 lverun: " + link + ": Permission denied"]);
    }
}
