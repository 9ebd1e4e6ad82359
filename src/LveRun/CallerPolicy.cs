// SPDX-License-Identifier: MIT
using System.Globalization;
using System.Linq;

namespace LveRun;

/// <summary>The three kinds of caller lverun tells apart, by real uid.</summary>
public enum CallerKind
{
    /// <summary>Real uid 0.</summary>
    Root,

    /// <summary>A uid listed in trusted_callers: a web server account.</summary>
    Trusted,

    /// <summary>Anyone else, through the setuid bit.</summary>
    Ordinary,
}

/// <summary>
/// Who may do what (SECURITY.md rule 11).  lverun is setuid root, so the
/// caller is told apart by its real uid, never by USER or LOGNAME.
///
///  - root: any LVE from 1 to 2^31-1, as any user and group;
///  - an ordinary caller: only the LVE whose id is its own uid, only as
///    itself (no --user, no --group), and only if its uid is at least
///    min_uid;
///  - a trusted caller: as an ordinary one, and with --user as a target
///    whose uid is from min_uid (so never root) to max_uid, never nobody,
///    in no privileged group (gid 0 or one of denied_groups, primary or
///    supplementary), a member of target_group if one is set (SECURITY.md
///    rule 23), in the LVE whose id is the target's uid.  --group is
///    root's alone: with it a web server could pick any group of the host.
///
/// Callers other than root need a valid configuration: an unsafe or
/// invalid /etc/lverun.conf refuses them all (fail closed).  Every refusal
/// is exit 125 with one line, decided before anything is entered or
/// created.  The checks are pure functions of their arguments, so the
/// tests can walk the whole table.
/// </summary>
public static class CallerPolicy
{
    public static CallerKind Classify(uint callerUid, Configuration configuration) =>
        callerUid == 0 ? CallerKind.Root
        : configuration.IsTrusted(callerUid) ? CallerKind.Trusted
        : CallerKind.Ordinary;

    /// <summary>
    /// What can be decided before any account is looked up: the
    /// configuration file, --group and --user.  null when allowed so far.
    /// </summary>
    public static LaunchFailure? BeforeLookup(uint callerUid, ConfigurationFile file, LaunchRequest request)
    {
        if (callerUid == 0)
            return null;
        if (!file.IsValid)
            return Refuse(file.Path, file.Problem + " (only root may run lverun until it is fixed)");
        if (request.Group is not null)
            return Refuse("--group", "only root may choose the group");
        if (request.User is not null && Classify(callerUid, file.Configuration) != CallerKind.Trusted)
            return Refuse("--user", "only root and trusted callers may run a command as another user");
        return null;
    }

    /// <summary>
    /// The whole decision, once the target is known: <see cref="BeforeLookup"/>,
    /// then min_uid and the LVE id.  null when allowed.
    /// </summary>
    public static LaunchFailure? Check(uint callerUid, ConfigurationFile file, LaunchRequest request, TargetIdentity target)
    {
        if (BeforeLookup(callerUid, file, request) is { } refused)
            return refused;
        if (callerUid == 0)
            return null;
        Configuration configuration = file.Configuration;
        uint min = configuration.MinUid;
        if (request.User is null)
        {
            if (target.Uid != callerUid)
                return Refuse("target", "uid " + Text(target.Uid) + " is not the caller's uid " + Text(callerUid));
            if (callerUid < min)
                return Refuse("uid " + Text(callerUid), "below min_uid " + Text(min) + ": only root may run lverun for it");
            if (request.LveId != callerUid)
                return Refuse("LVE " + Text(request.LveId), "uid " + Text(callerUid) + " may enter only LVE " + Text(callerUid));
            return null;
        }

        string user = "user '" + request.User + "'";
        const string NotIt = ": a trusted caller may not run commands as it";
        if (target.Uid < min)
            return Refuse(user, "uid " + Text(target.Uid) + " is below min_uid " + Text(min) + NotIt);
        if (target.Uid > configuration.MaxUid)
            return Refuse(user, "uid " + Text(target.Uid) + " is above max_uid " + Text(configuration.MaxUid) + NotIt);
        if (IsNobody(target))
            return Refuse(user, "the overflow account nobody" + NotIt);
        if (target.Gid == 0)
            return Refuse(user, "its primary group is root's" + NotIt);
        foreach (uint gid in target.Groups.Prepend(target.Gid))
        {
            if (gid == 0)
                return Refuse(user, "it is in root's group (gid 0)" + NotIt);
            foreach (GroupRef denied in configuration.DeniedGroups)
                if (denied.Gid == gid)
                    return Refuse(user, "it is in group '" + denied.Name + "' (gid " + Text(gid) + "), which denied_groups lists" + NotIt);
        }
        if (configuration.TargetGroup is { } only && target.Gid != only.Gid && !target.Groups.Contains(only.Gid))
            return Refuse(user, "it is not in target_group '" + only.Name + "'" + NotIt);
        if (request.LveId != target.Uid)
            return Refuse("LVE " + Text(request.LveId), "a command as uid " + Text(target.Uid) + " runs only in LVE " + Text(target.Uid));
        return null;
    }

    /// <summary>
    /// The overflow account: the kernel's overflowuid 65534, named nobody
    /// (nfsnobody on older RHEL), which owns what an unmapped id owns.
    /// </summary>
    private static bool IsNobody(TargetIdentity target) =>
        target.Uid == 65534 || target.Passwd?.DisplayName is "nobody" or "nfsnobody";

    private static LaunchFailure Refuse(string what, string why) => new(ExitCode.Failed, what, why);

    private static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
