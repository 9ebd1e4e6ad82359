// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md rule 24: the LVE tree is not a window into other accounts.
/// While Peer's command runs in Peer's LVE, Ordinary can neither list that
/// LVE's processes nor read its usage through cgroupfs, in any hierarchy;
/// root still can.  (liblve makes LVE directories root's alone, mode 0700
/// beneath a 0711 parent.)
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class LveTreeTests(SetuidHost host)
{
    /// <summary>What each hierarchy tells about the processes and usage of a cgroup.</summary>
    private static readonly Dictionary<string, string[]> Windows = new()
    {
        ["cpu"] = ["cgroup.procs", "tasks", "cpu.stat"],
        ["cpuacct"] = ["cgroup.procs", "tasks", "cpuacct.usage", "cpuacct.stat"],
        ["memory"] = ["cgroup.procs", "tasks", "memory.usage_in_bytes", "memory.stat"],
        ["pids"] = ["cgroup.procs", "tasks", "pids.current"],
        ["blkio"] = ["cgroup.procs", "tasks", "blkio.throttle.io_service_bytes"],
    };

    [SetuidFact]
    public void Another_account_cannot_look_into_an_LVE_root_can()
    {
        Account peer = host.Peer;
        host.RemoveLveIfEmpty(peer.Uid);
        var command = new ProcessStartInfo(host.Runas) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (string a in host.RunasArguments(peer, [peer.Id, "/bin/sleep", "30"]))
            command.ArgumentList.Add(a);
        using Process sleeper = Process.Start(command)!;
        try
        {
            for (int i = 0; i < 200 && host.ProcsIn(peer.Uid).Length == 0; i++)
                System.Threading.Thread.Sleep(25);
            string[] pids = host.ProcsIn(peer.Uid);
            pids.Should().ContainSingle("Peer's command runs in its LVE");

            var paths = new List<string>();
            foreach (var (controller, files) in Windows.Where(w => host.RunCgroups.ContainsKey(w.Key)))
            {
                string dir = host.LveDirectory(controller, peer.Uid);
                paths.Add(dir + "/");
                paths.AddRange(files.Select(f => Path.Combine(dir, f)));
                paths.Add(Path.GetDirectoryName(dir)! + "/");
            }
            // each path: a directory is listed, a file read; "open" when it worked
            string script = "for p; do case $p in */) ls \"$p\" >/dev/null 2>&1 && echo \"open $p\";; " +
                "*) cat \"$p\" >/dev/null 2>&1 && echo \"open $p\";; esac; done";
            ProcessResult asOrdinary = host.Run(host.Ordinary, ["-c", script, "sh", .. paths], program: "/bin/sh");
            asOrdinary.StdoutLines.Should().BeEmpty("another account sees nothing of Peer's LVE (rule 24)");

            ProcessResult asRoot = host.Run(null, ["-c", script, "sh", .. paths], program: "/bin/sh");
            asRoot.StdoutLines.Should().HaveCount(paths.Count, "root still sees all of it: " + asRoot);
            File.ReadAllText(Path.Combine(host.LveDirectory("cpu", peer.Uid), "cgroup.procs")).Should().Contain(pids[0]);
        }
        finally
        {
            foreach (string pid in host.ProcsIn(peer.Uid))
                SetuidHost.Start("/bin/kill", ["-KILL", pid]);
            sleeper.WaitForExit(10000);
            for (int i = 0; i < 100 && host.ProcsIn(peer.Uid).Length > 0; i++)
                System.Threading.Thread.Sleep(20);
            host.RemoveLveIfEmpty(peer.Uid);
        }
    }
}
