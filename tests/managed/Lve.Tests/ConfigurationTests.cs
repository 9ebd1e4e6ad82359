// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FluentAssertions;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>/etc/lverun.conf's syntax: what is read, and the first problem of what is not.</summary>
public class ConfigurationTests
{
    private static readonly Dictionary<string, uint> Users = new() { ["www-data"] = 33, ["nginx"] = 101, ["root"] = 0 };

    /// <summary>A host with some of the default denied groups (no wheel, admin, lxd, ...) and a hosting group.</summary>
    private static readonly Dictionary<string, uint> Groups = new()
    {
        ["root"] = 0, ["sudo"] = 27, ["adm"] = 4, ["shadow"] = 42, ["disk"] = 6, ["docker"] = 998, ["hosting"] = 5000,
    };

    private static uint? Group(string name) => Groups.TryGetValue(name, out uint gid) ? gid : null;

    private static (Configuration? Configuration, string? Problem) Parse(string text) =>
        Configuration.Parse(Encoding.UTF8.GetBytes(text), name => Users.TryGetValue(name, out uint uid) ? uid : null, Group);

    public static TheoryData<string, uint, uint[], int?> Valid => new()
    {
        { "", 1000, [], null },
        { "# nothing but a comment\n\n   \n", 1000, [], null },
        { "min_uid = 500\n", 500, [], null },
        { "min_uid=500", 500, [], null },
        { "\tmin_uid\t=\t2000\t# hosting accounts start here\r\n", 2000, [], null },
        { "trusted_callers = www-data, nginx, 48\n", 1000, [33, 101, 48], null },
        { "trusted_callers =www-data,nginx", 1000, [33, 101], null },
        { "trusted_callers =\n", 1000, [], null },
        { "umask = 027\n", 1000, [], 0x17 },
        { "umask = 0\n", 1000, [], 0 },
        { "umask = 0777\n", 1000, [], 0x1ff },
        { "min_uid = 2147483647\numask = 22\ntrusted_callers = 1 # daemon\nmax_uid = 2147483647", 2147483647, [1], 0x12 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_files(string text, uint minUid, uint[] trusted, int? umask)
    {
        var (configuration, problem) = Parse(text);
        problem.Should().BeNull();
        configuration!.MinUid.Should().Be(minUid);
        configuration.TrustedCallers.Should().Equal(trusted);
        configuration.Umask.Should().Be(umask);
    }

    [Theory]
    [InlineData("max_uid_ = 5", "line 1: unknown key 'max_uid_'")]
    [InlineData("max_uid = 0", "line 1: max_uid '0': not a number from 1 to 2147483647")]
    [InlineData("max_uid = 999", "max_uid 999 is below min_uid 1000")]
    [InlineData("min_uid = 60001", "min_uid 60001 is above the default max_uid 60000: set max_uid too")]
    [InlineData("min_uid = 2000\nmax_uid = 1999", "max_uid 1999 is below min_uid 2000")]
    [InlineData("denied_groups = sudo,", "line 1: denied_groups: an empty name")]
    [InlineData("denied_groups = 0", "line 1: denied_groups: '0': not a gid from 1 to 2147483647")]
    [InlineData("target_group = nosuchgroup", "line 1: target_group 'nosuchgroup': no such group")]
    [InlineData("target_group =", "line 1: target_group '': no such group")]
    [InlineData("target_group = 0", "line 1: target_group '0': no such group")]
    [InlineData("MIN_UID = 5", "line 1: unknown key 'MIN_UID'")]
    [InlineData("min-uid = 5", "line 1: unknown key 'min-uid'")]
    [InlineData(" = 5", "line 1: unknown key ''")]
    [InlineData("# fine\nmin_uid 5", "line 2: not a 'key = value' line")]
    [InlineData("min_uid = 0", "line 1: min_uid '0': not a number from 1 to 2147483647")]
    [InlineData("min_uid = 01000", "line 1: min_uid '01000': not a number from 1 to 2147483647")]
    [InlineData("min_uid = +1000", "line 1: min_uid '+1000': not a number from 1 to 2147483647")]
    [InlineData("min_uid = -1", "line 1: min_uid '-1': not a number from 1 to 2147483647")]
    [InlineData("min_uid = 4294967295", "line 1: min_uid '4294967295': not a number from 1 to 2147483647")]
    [InlineData("min_uid = 2147483648", "line 1: min_uid '2147483648': not a number from 1 to 2147483647")]
    [InlineData("min_uid = 1000 2000", "line 1: min_uid '1000 2000': not a number from 1 to 2147483647")]
    [InlineData("min_uid =", "line 1: min_uid '': not a number from 1 to 2147483647")]
    [InlineData("min_uid = \uff11\uff10\uff10\uff10", "line 1: min_uid '\uff11\uff10\uff10\uff10': not a number from 1 to 2147483647")]
    [InlineData("min_uid = 1000\n\nmin_uid = 1000", "line 3: min_uid set again (first on line 1)")]
    [InlineData("trusted_callers = apache", "line 1: trusted_callers: 'apache': no such user")]
    [InlineData("trusted_callers = www-data,", "line 1: trusted_callers: an empty name")]
    [InlineData("trusted_callers = ,www-data", "line 1: trusted_callers: an empty name")]
    [InlineData("trusted_callers = root", "line 1: trusted_callers: 'root': root needs no trust")]
    [InlineData("trusted_callers = 0", "line 1: trusted_callers: '0': not a uid from 1 to 2147483647")]
    [InlineData("trusted_callers = 033", "line 1: trusted_callers: '033': not a uid from 1 to 2147483647")]
    [InlineData("trusted_callers = www-data nginx", "line 1: trusted_callers: 'www-data nginx': no such user")]
    [InlineData("umask = 8", "line 1: umask '8': not an octal mode from 0 to 0777")]
    [InlineData("umask = 01000", "line 1: umask '01000': not an octal mode from 0 to 0777")]
    [InlineData("umask = 00022", "line 1: umask '00022': not an octal mode from 0 to 0777")]
    [InlineData("umask = u=rwx", "line 1: umask 'u=rwx': not an octal mode from 0 to 0777")]
    [InlineData("umask =", "line 1: umask '': not an octal mode from 0 to 0777")]
    [InlineData("min_uid = 1000\0", "contains a NUL byte")]
    public void Invalid_files(string text, string problem)
    {
        var (configuration, found) = Parse(text);
        configuration.Should().BeNull();
        found.Should().Be(problem);
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_are_refused()
    {
        var (configuration, problem) = Configuration.Parse([(byte)'#', 0xff, (byte)'\n'], _ => null, _ => null);
        configuration.Should().BeNull();
        problem.Should().Be("not valid UTF-8");
    }

    [Fact]
    public void The_defaults()
    {
        Configuration.Defaults.MinUid.Should().Be(1000);
        Configuration.Defaults.TrustedCallers.Should().BeEmpty();
        Configuration.Defaults.Umask.Should().BeNull();
        Configuration.Defaults.MaxUid.Should().Be(60000);
        Configuration.Defaults.TargetGroup.Should().BeNull();
        // this host (Debian) has these of the default list
        Configuration.Defaults.DeniedGroups.Select(g => g.Name + "/" + g.Gid).Should().Contain(["root/0", "sudo/27", "adm/4", "shadow/42", "disk/6", "tty/5", "staff/50"]);
    }

    /// <summary>The commented example the package installs (etc/lverun.conf) sets nothing: the defaults.</summary>
    [Fact]
    public void The_example_file_is_valid_and_sets_the_defaults()
    {
        string example = System.IO.Path.GetFullPath(System.IO.Path.Combine(AppContext.BaseDirectory, "../../../../../../etc/lverun.conf"));
        var (configuration, problem) = Configuration.Parse(System.IO.File.ReadAllBytes(example), _ => null, Group);
        problem.Should().BeNull();
        configuration.Should().BeEquivalentTo(Configuration.WithDefaultGroups(Group));
    }

    /// <summary>
    /// Rule 23's keys.  Without denied_groups the default list applies, as
    /// far as the host has those groups; with it, only what it names (gid 0
    /// is refused whatever the list: CallerPolicyTests).
    /// </summary>
    [Theory]
    [InlineData("", 60000u, "root/0 sudo/27 adm/4 shadow/42 disk/6 docker/998", null)]
    [InlineData("max_uid = 70000\n", 70000u, "root/0 sudo/27 adm/4 shadow/42 disk/6 docker/998", null)]
    [InlineData("denied_groups = sudo, 77, nosuchgroup\n", 60000u, "sudo/27 77/77", null)]
    [InlineData("denied_groups =\n", 60000u, "", null)]
    [InlineData("target_group = hosting\n", 60000u, "root/0 sudo/27 adm/4 shadow/42 disk/6 docker/998", "hosting/5000")]
    [InlineData("target_group = 5001\n", 60000u, "root/0 sudo/27 adm/4 shadow/42 disk/6 docker/998", "5001/5001")]
    public void Target_limits(string text, uint maxUid, string denied, string? target)
    {
        var (configuration, problem) = Parse(text);
        problem.Should().BeNull();
        configuration!.MaxUid.Should().Be(maxUid);
        string.Join(' ', configuration.DeniedGroups.Select(g => g.Name + "/" + g.Gid)).Should().Be(denied);
        (configuration.TargetGroup is { } t ? t.Name + "/" + t.Gid : null).Should().Be(target);
    }

    [Fact]
    public void The_default_deny_list()
    {
        Configuration.DefaultDeniedGroups.Should().Equal("root", "sudo", "wheel", "admin", "adm", "systemd-journal", "shadow", "disk",
            "kmem", "tty", "staff", "docker", "lxd", "libvirt", "kvm", "input");
    }

    /// <summary>Reading a file (the checks on the open file need root to set up; the setuid lane covers them).</summary>
    [Fact]
    public void No_file_is_the_defaults()
    {
        ConfigurationFile file = Configuration.Load("/nonexistent/lverun.conf");
        file.IsValid.Should().BeTrue();
        file.Configuration.Should().Be(Configuration.Defaults);
    }
}
