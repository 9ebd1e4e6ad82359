// SPDX-License-Identifier: MIT
using System;
using System.IO;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// The configuration file of the setuid copy (its path is built in): read
/// only if it is a root-owned regular file, neither group- nor
/// world-writable, checked on the open file; an unsafe or invalid one
/// refuses every caller but root (fail closed), and root is told why and
/// runs with the defaults; no file means the defaults.
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class ConfigurationFileTests(SetuidHost host) : IDisposable
{
    public void Dispose()
    {
        File.Delete(host.ConfigPath + ".target");
        host.WriteConfig(host.DefaultConfig);
        host.RemoveLveIfEmpty(host.Ordinary.Uid);
        host.RemoveLveIfEmpty(host.Peer.Uid);
    }

    public static TheoryData<string, string> Unsafe => new()
    {
        { "group-writable", "group-writable" },
        { "world-writable", "world-writable" },
        { "owned by a user", "owned by uid {ordinary}, not root" },
        { "a symlink to a good file", "a symbolic link" },
        { "a directory", "not a regular file" },
        { "a fifo", "not a regular file" },
        { "unknown key", "line 3: unknown key 'maximum_uid'" },
        { "key in capitals", "line 1: unknown key 'MIN_UID'" },
        { "min_uid 0", "line 1: min_uid '0': not a number from 1 to 2147483647" },
        { "min_uid with a sign", "line 1: min_uid '+1000': not a number from 1 to 2147483647" },
        { "min_uid twice", "line 2: min_uid set again (first on line 1)" },
        { "umask 0800", "line 1: umask '0800': not an octal mode from 0 to 0777" },
        { "an unknown trusted caller", "line 1: trusted_callers: 'no-such-user-lverun': no such user" },
        { "root trusted", "line 1: trusted_callers: 'root': root needs no trust" },
        { "an empty name", "line 1: trusted_callers: an empty name" },
        { "no equals sign", "line 1: not a 'key = value' line" },
        { "not UTF-8", "not valid UTF-8" },
    };

    private void Make(string what)
    {
        string good = "# the lane's\ntrusted_callers = " + host.Web.Name + "\n";
        string path = host.ConfigPath;
        host.RemoveConfig();
        switch (what)
        {
            case "group-writable":
                host.WriteConfig(good);
                File.SetUnixFileMode(path, (UnixFileMode)0x1b4); // 0664
                break;
            case "world-writable":
                host.WriteConfig(good);
                File.SetUnixFileMode(path, (UnixFileMode)0x1a6); // 0646
                break;
            case "owned by a user":
                host.WriteConfig(good);
                SetuidHost.Chown(path, host.Ordinary);
                break;
            case "a symlink to a good file":
                string target = path + ".target";
                File.WriteAllText(target, good);
                File.CreateSymbolicLink(path, target);
                break;
            case "a directory":
                Directory.CreateDirectory(path);
                break;
            case "a fifo":
                SetuidHost.Start("/usr/bin/mkfifo", ["-m", "0644", path]).ExitCode.Should().Be(0);
                break;
            case "not UTF-8":
                File.WriteAllBytes(path, [(byte)'#', 0xff, 0xfe, (byte)'\n']);
                break;
            default:
                host.WriteConfig(what switch
                {
                    "unknown key" => good + "maximum_uid = 5000\n",
                    "key in capitals" => "MIN_UID = 1000\n",
                    "min_uid 0" => "min_uid = 0\n",
                    "min_uid with a sign" => "min_uid = +1000\n",
                    "min_uid twice" => "min_uid = 1000\nmin_uid = 2000\n",
                    "umask 0800" => "umask = 0800\n",
                    "an unknown trusted caller" => "trusted_callers = " + host.Web.Name + ", no-such-user-lverun\n",
                    "root trusted" => "trusted_callers = root\n",
                    "an empty name" => "trusted_callers = " + host.Web.Name + ",,\n",
                    "no equals sign" => "trusted_callers " + host.Web.Name + "\n",
                    _ => throw new ArgumentException(what),
                });
                break;
        }
    }

    [SetuidTheory]
    [MemberData(nameof(Unsafe))]
    public void An_unsafe_or_invalid_file_refuses_everyone_but_root(string what, string problem)
    {
        Make(what);
        problem = host.ConfigPath + ": " + problem.Replace("{ordinary}", host.Ordinary.Id, StringComparison.Ordinal);

        ProcessResult r = host.Run(host.Ordinary, [host.Ordinary.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125, what + "\n" + r);
        r.StderrLines.Should().Equal("lverun: " + problem + " (only root may run lverun until it is fixed)");
        host.LveExists(host.Ordinary.Uid).Should().BeFalse();

        r = host.Run(host.Web, ["--user", host.Peer.Name, host.Peer.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125, what);
        host.LveExists(host.Peer.Uid).Should().BeFalse();

        r = host.Run(null, [host.Peer.Id, "/bin/echo", "ran"]);
        r.ExitCode.Should().Be(0, what + "\n" + r);
        r.Stdout.Should().Be("ran\n");
        r.StderrLines.Should().Equal("lverun: " + problem + " (ignored: root runs with the defaults)");
    }

    [SetuidFact]
    public void No_file_means_the_defaults()
    {
        host.RemoveConfig();
        ProcessResult r = host.Run(host.Ordinary, [host.Ordinary.Id, "/bin/true"]);
        r.ExitCode.Should().Be(0, r.ToString());
        r.Stderr.Should().BeEmpty();
        r = host.Run(host.Low, [host.Low.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125, "min_uid is 1000 by default");
        r = host.Run(host.Web, ["--user", host.Peer.Name, host.Peer.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125, "nobody is trusted by default");
        r.StderrLines.Should().Equal("lverun: --user: only root and trusted callers may run a command as another user");
    }

    [SetuidFact]
    public void Min_uid_trusted_callers_by_uid_comments_and_blanks()
    {
        uint low = Math.Min(host.Ordinary.Uid, host.Peer.Uid), high = Math.Max(host.Ordinary.Uid, host.Peer.Uid);
        Account below = host.Ordinary.Uid == low ? host.Ordinary : host.Peer;
        Account at = below == host.Ordinary ? host.Peer : host.Ordinary;
        host.WriteConfig("# comment\n\tmin_uid\t=\t" + high.ToString(System.Globalization.CultureInfo.InvariantCulture) +
            "   # the higher of the two\r\ntrusted_callers = " + host.Web.Id + " ,  daemon\n\n");

        ProcessResult r = host.Run(below, [below.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().Equal($"lverun: uid {below.Id}: below min_uid {high}: only root may run lverun for it");
        host.Run(at, [at.Id, "/bin/true"]).ExitCode.Should().Be(0);
        host.Run(host.Web, ["--user", at.Name, at.Id, "/bin/true"]).ExitCode.Should().Be(0, "trusted by uid");
        r = host.Run(host.Web, ["--user", below.Name, below.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().Equal($"lverun: user '{below.Name}': uid {below.Id} is below min_uid {high}: a trusted caller may not run commands as it");
        host.RemoveLve(low);
        host.RemoveLve(high);
    }

    [SetuidFact]
    public void The_umask_of_the_configuration_replaces_the_caller_s()
    {
        host.WriteConfig(host.DefaultConfig + "umask = 027\n");
        foreach (Account? caller in new[] { host.Ordinary, null })
        {
            string id = caller?.Id ?? host.Peer.Id;
            ProcessResult r = host.Run(caller, [id, "/bin/grep", "Umask", "/proc/self/status"], ["--umask", "0"]);
            r.ExitCode.Should().Be(0, r.ToString());
            r.Stdout.Should().Be("Umask:\t0027\n");
        }
    }
}
