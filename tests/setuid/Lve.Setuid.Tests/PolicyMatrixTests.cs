// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Linq;
using FluentAssertions;
using Xunit;

namespace Lve.Setuid.Tests;

/// <summary>
/// SECURITY.md rule 11, the whole table: callers {root, ordinary, trusted,
/// other} × LVE {own, other, 0, 4294967295, 2^31} × target {self, other,
/// root}, through the setuid copy.
///
///  - callers: root; ordinary = a user at or above min_uid (1000, the
///    default); trusted = the web account of trusted_callers (below
///    min_uid, as web server accounts are); other = a user below min_uid,
///    not trusted.
///  - LVE: own = the caller's uid (0 for root); other = the uid of Peer,
///    another user at or above min_uid.
///  - target: self = no --user; other = --user Peer; root = --user root.
///
/// Allowed: exit 0, the command ran as the expected uid inside the LVE.
/// Refused: exit 125, the one line, and nothing entered or created (the
/// LVE's cgroup does not exist afterwards in any hierarchy; it is removed
/// before each row).
/// </summary>
[Collection(SetuidCollection.Name)]
public sealed class PolicyMatrixTests(SetuidHost host)
{
    private const string UserRefused = "lverun: --user: only root and trusted callers may run a command as another user";
    private const string BelowMin = "lverun: uid {caller}: below min_uid 1000: only root may run lverun for it";
    private const string RootTarget = "lverun: user 'root': uid 0 is below min_uid 1000: a trusted caller may not run commands as it";

    private static string BadId(string id) => "lverun: LVE id '" + id + "': not a number from 1 to 2147483647";

    /// <summary>caller, LVE, target, exit status, the command's uid (allowed) or the error line (refused).</summary>
    public static TheoryData<string, string, string, int, string> Matrix()
    {
        var rows = new TheoryData<string, string, string, int, string>
        {
            { "root", "own", "self", 125, BadId("0") },
            { "root", "own", "other", 125, BadId("0") },
            { "root", "own", "root", 125, BadId("0") },
            { "root", "other", "self", 0, "uid 0" },
            { "root", "other", "other", 0, "uid {peer}" },
            { "root", "other", "root", 0, "uid 0" },

            { "ordinary", "own", "self", 0, "uid {caller}" },
            { "ordinary", "own", "other", 125, UserRefused },
            { "ordinary", "own", "root", 125, UserRefused },
            { "ordinary", "other", "self", 125, "lverun: LVE {peer}: uid {caller} may enter only LVE {caller}" },
            { "ordinary", "other", "other", 125, UserRefused },
            { "ordinary", "other", "root", 125, UserRefused },

            { "trusted", "own", "self", 125, BelowMin },
            { "trusted", "own", "other", 125, "lverun: LVE {caller}: a command as uid {peer} runs only in LVE {peer}" },
            { "trusted", "own", "root", 125, RootTarget },
            { "trusted", "other", "self", 125, BelowMin },
            { "trusted", "other", "other", 0, "uid {peer}" },
            { "trusted", "other", "root", 125, RootTarget },

            { "other", "own", "self", 125, BelowMin },
            { "other", "own", "other", 125, UserRefused },
            { "other", "own", "root", 125, UserRefused },
            { "other", "other", "self", 125, BelowMin },
            { "other", "other", "other", 125, UserRefused },
            { "other", "other", "root", 125, UserRefused },
        };
        // An LVE id that is never valid is refused before anything else, whoever asks.
        foreach (string caller in new[] { "root", "ordinary", "trusted", "other" })
            foreach (string id in new[] { "0", "4294967295", "2147483648" })
                foreach (string target in new[] { "self", "other", "root" })
                    rows.Add(caller, id, target, 125, BadId(id));
        return rows;
    }

    [SetuidTheory]
    [MemberData(nameof(Matrix))]
    public void Who_may_do_what(string caller, string lve, string target, int status, string expected)
    {
        Account? account = caller switch
        {
            "root" => null,
            "ordinary" => host.Ordinary,
            "trusted" => host.Web,
            "other" => host.Low,
            _ => throw new ArgumentException(caller),
        };
        string callerId = account?.Id ?? "0";
        string id = lve switch
        {
            "own" => callerId,
            "other" => host.Peer.Id,
            _ => lve,
        };
        string[] user = target switch
        {
            "self" => [],
            "other" => ["--user", host.Peer.Name],
            "root" => ["--user", "root"],
            _ => throw new ArgumentException(target),
        };
        expected = expected.Replace("{caller}", callerId, StringComparison.Ordinal)
            .Replace("{peer}", host.Peer.Id, StringComparison.Ordinal);
        bool valid = uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out uint lveId) &&
            lveId is > 0 and < 1u << 31;
        if (valid)
            host.RemoveLve(lveId);

        ProcessResult r = host.Run(account, [.. user, id, "/bin/sh", "-c", "echo uid $(id -u); cat /proc/self/cgroup"]);

        r.ExitCode.Should().Be(status, r.ToString());
        if (status == 0)
        {
            r.Stderr.Should().BeEmpty();
            r.StdoutLines.Should().Contain(expected);
            r.StdoutLines.Should().Contain(l => l.EndsWith(":cpu:" + host.LveCgroup("cpu", lveId), StringComparison.Ordinal),
                "the command runs inside LVE " + id);
            host.RemoveLve(lveId);
        }
        else
        {
            r.Stdout.Should().BeEmpty("the command never ran");
            r.StderrLines.Should().Equal(expected);
            if (valid)
                host.LveExists(lveId).Should().BeFalse("a refusal enters and creates nothing");
        }
        host.StrayCgroups().Should().BeEmpty();
    }

    /// <summary>Rows beside the table: what a trusted caller still may not do.</summary>
    [SetuidFact]
    public void A_trusted_caller_may_not_choose_a_group_nor_a_target_below_min_uid()
    {
        ProcessResult r = host.Run(host.Web, ["--user", host.Peer.Name, "--group", host.Peer.Name, host.Peer.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().Equal("lverun: --group: only root may choose the group");

        r = host.Run(host.Web, ["--user", host.Low.Name, host.Low.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().Equal($"lverun: user '{host.Low.Name}': uid {host.Low.Id} is below min_uid 1000: a trusted caller may not run commands as it");
        host.LveExists(host.Low.Uid).Should().BeFalse();

        r = host.Run(host.Ordinary, ["--group", host.Ordinary.Name, host.Ordinary.Id, "/bin/true"]);
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().Equal("lverun: --group: only root may choose the group");
    }

    /// <summary>
    /// Rule 23, through the setuid copy: what a trusted caller's target may
    /// not be.  configuration lines (beside trusted_callers), the target,
    /// the refusal ("" : allowed).  {x} is Ordinary's extra group, Admin is
    /// in adm (one of the default denied_groups), nobody is the host's.
    /// </summary>
    public static TheoryData<string, string, string> Targets => new()
    {
        { "", "peer", "" },
        { "", "admin", "it is in group 'adm' (gid 4), which denied_groups lists" },
        { "denied_groups = {x}", "ordinary", "it is in group '{x}' (gid {xgid}), which denied_groups lists" },
        { "denied_groups = {x}", "admin", "" },
        { "denied_groups =", "admin", "" },
        { "target_group = {x}", "peer", "it is not in target_group '{x}'" },
        { "target_group = {x}", "ordinary", "" },
        { "max_uid = {peer-1}", "peer", "uid {peer} is above max_uid {peer-1}" },
        { "", "nobody", "uid 65534 is above max_uid 60000" },
        { "max_uid = 70000", "nobody", "the overflow account nobody" },
    };

    [SetuidTheory]
    [MemberData(nameof(Targets))]
    public void A_trusted_caller_s_target_has_no_privileged_group_and_a_uid_in_range(string config, string target, string refusal)
    {
        string x = host.Ordinary.Name[..^1] + "x";
        uint xgid = host.Ordinary.Groups[1];
        string Fill(string text) => text.Replace("{x}", x, StringComparison.Ordinal)
            .Replace("{xgid}", xgid.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{peer-1}", (host.Peer.Uid - 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{peer}", host.Peer.Id, StringComparison.Ordinal);
        (string name, string id) = target switch
        {
            "peer" => (host.Peer.Name, host.Peer.Id),
            "ordinary" => (host.Ordinary.Name, host.Ordinary.Id),
            "admin" => (host.Admin.Name, host.Admin.Id),
            _ => ("nobody", "65534"),
        };
        host.WriteConfig(host.DefaultConfig + Fill(config) + "\n");
        try
        {
            ProcessResult r = host.Run(host.Web, ["--user", name, id, "/usr/bin/id", "-u"]);
            if (refusal.Length == 0)
            {
                r.ExitCode.Should().Be(0, r.ToString());
                r.Stdout.Should().Be(id + "\n");
            }
            else
            {
                r.ExitCode.Should().Be(125, r.ToString());
                r.StderrLines.Should().Equal("lverun: user '" + name + "': " + Fill(refusal) + ": a trusted caller may not run commands as it");
                r.Stdout.Should().BeEmpty();
                host.LveExists(uint.Parse(id, CultureInfo.InvariantCulture)).Should().BeFalse("a refusal enters and creates nothing");
            }
        }
        finally
        {
            host.WriteConfig(host.DefaultConfig);
            host.RemoveLveIfEmpty(uint.Parse(id, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The caller is told apart by its real uid: USER and LOGNAME claim nothing.</summary>
    [SetuidFact]
    public void USER_and_LOGNAME_do_not_make_a_caller_trusted_or_root()
    {
        string[] env = ["PATH=/usr/bin:/bin", "USER=" + host.Web.Name, "LOGNAME=" + host.Web.Name, "SUDO_UID=0"];
        ProcessResult r = host.Run(host.Ordinary, ["--user", host.Peer.Name, host.Peer.Id, "/bin/true"], environment: env);
        r.ExitCode.Should().Be(125);
        r.StderrLines.Should().Equal(UserRefused);

        env = ["PATH=/usr/bin:/bin", "USER=root", "LOGNAME=root"];
        r = host.Run(host.Ordinary, [host.Peer.Id, "/bin/true"], environment: env);
        r.ExitCode.Should().Be(125);
        host.LveExists(host.Peer.Uid).Should().BeFalse();
    }

    /// <summary>
    /// The "done when": an ordinary user's setuid run enters only
    /// its own LVE, runs only as itself, with only its own groups.
    /// </summary>
    [SetuidFact]
    public void An_ordinary_user_enters_only_its_own_LVE_as_itself()
    {
        host.RemoveLve(host.Ordinary.Uid);
        ProcessResult r = host.Run(host.Ordinary, [host.Ordinary.Id, "/bin/cat", "/proc/self/cgroup", "/proc/self/status"]);
        r.ExitCode.Should().Be(0, r.ToString());
        foreach (string controller in host.RunCgroups.Keys)
            r.StdoutLines.Should().Contain(l => l.EndsWith(":" + controller + ":" + host.LveCgroup(controller, host.Ordinary.Uid), StringComparison.Ordinal) ||
                l.Contains(":" + controller + ",", StringComparison.Ordinal) || l.Contains("," + controller + ":", StringComparison.Ordinal), controller);
        string uid = host.Ordinary.Id;
        r.StdoutLines.Should().Contain($"Uid:\t{uid}\t{uid}\t{uid}\t{uid}");
        r.StdoutLines.Should().Contain("Groups:\t" + string.Join(' ', host.Ordinary.Groups.Order()) + " ");
        host.RemoveLve(host.Ordinary.Uid);
        host.StrayCgroups().Should().BeEmpty();
    }
}
