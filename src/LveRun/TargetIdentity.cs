// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// Who the command runs as: uid, gid and supplementary groups, and with
/// --user the passwd entry its HOME, USER and LOGNAME come from.
/// </summary>
public sealed record TargetIdentity(uint Uid, uint Gid, uint[] Groups, PasswdEntry? Passwd)
{
    /// <summary>
    /// Resolve --user and --group.  With a user: that user's uid, its primary
    /// group unless --group names another, and the groups initgroups(3) would
    /// give it (getgrouplist).  Without: the caller's real uid, real gid (or
    /// --group) and supplementary groups, as <paramref name="caller"/>
    /// recorded them.  A name or number that the account database does not
    /// know is an error, never a fallback.
    /// </summary>
    public static TargetIdentity Resolve(string? user, string? group, Caller caller)
    {
        uint? gid = group == null ? null : ResolveGroup(group);
        if (user == null)
            return new TargetIdentity(caller.Uid, gid ?? caller.Gid, caller.Groups, null);

        PasswdEntry passwd = ResolveUser(user);
        uint primary = gid ?? passwd.Gid;
        return new TargetIdentity(passwd.Uid, primary, Libc.GetGroupList(passwd.Name, primary), passwd);
    }

    private static PasswdEntry ResolveUser(string user)
    {
        PasswdEntry? entry;
        try
        {
            entry = IdNumber.LooksNumeric(user)
                ? (IdNumber.TryParse(user, out uint uid) ? Libc.GetPasswdByUid(uid) : throw NotAnId("user", user, "uid"))
                : Libc.GetPasswdByName(user);
        }
        catch (NativeCallException e)
        {
            throw new LaunchFailure(ExitCode.Failed, "user '" + user + "'", Errno.Describe(e.Errno));
        }
        return entry ?? throw new LaunchFailure(ExitCode.Failed, "user '" + user + "'", "no such user");
    }

    private static uint ResolveGroup(string group)
    {
        GroupEntry? entry;
        try
        {
            entry = IdNumber.LooksNumeric(group)
                ? (IdNumber.TryParse(group, out uint gid) ? Libc.GetGroupByGid(gid) : throw NotAnId("group", group, "gid"))
                : Libc.GetGroupByName(group);
        }
        catch (NativeCallException e)
        {
            throw new LaunchFailure(ExitCode.Failed, "group '" + group + "'", Errno.Describe(e.Errno));
        }
        return (entry ?? throw new LaunchFailure(ExitCode.Failed, "group '" + group + "'", "no such group")).Gid;
    }

    private static LaunchFailure NotAnId(string kind, string text, string id) =>
        new(ExitCode.Failed, kind + " '" + text + "'",
            "a " + id + " must be a number from 1 to " + IdNumber.Max.ToString(CultureInfo.InvariantCulture));

    /// <summary>"uid 65534 gid 65534 groups 65534", for messages.</summary>
    public override string ToString() =>
        "uid " + Uid.ToString(CultureInfo.InvariantCulture) + " gid " + Gid.ToString(CultureInfo.InvariantCulture) +
        " groups " + IdList.Format(Groups);
}
