// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// Who called lverun, as recorded before anything changed: the real uid and
/// gid, the supplementary groups, and the environment as the caller handed
/// it over.
/// </summary>
public sealed record Caller(uint Uid, uint Gid, uint[] Groups, IReadOnlyList<byte[]> Environment);

/// <summary>
/// Asks whether an account (uid, gid, groups) can reach a file (a regular
/// file with an execute bit) and, with <c>execute</c>, run it, with that
/// account's own view of the file system: 0 or its errno.
/// </summary>
public delegate int FileAccessCheck(byte[] path, uint uid, uint gid, uint[] groups, bool execute);

/// <summary>
/// Everything lverun decided before it changes anything: the request, the
/// configuration, who the command runs as, its environment and the file to
/// execve.  Made by <see cref="Make"/>, which only reads (the configuration,
/// the account database, the file system); carried out by
/// <see cref="Launcher"/> (enter, drop, exec).  Tests and admin tools can
/// make a plan and look at it without entering anything.
/// </summary>
public sealed record LaunchPlan(
    Caller Caller,
    LaunchRequest Request,
    Configuration Configuration,
    TargetIdentity Target,
    TargetEnvironment Environment,
    byte[] Command)
{
    /// <summary>Where the command's own argv starts in lverun's (argv[0] is lverun itself).</summary>
    public int CommandArgument => Request.CommandIndex + 1;

    /// <summary>fds above 2 are the caller's to pass on only when the caller is root (SECURITY.md rule 15).</summary>
    public bool ClosesInheritedFds => Caller.Uid != 0;

    /// <summary>The command runs as another user than the caller (SECURITY.md rules 16 and 22).</summary>
    public bool RunsAsAnotherUser => Target.Uid != Caller.Uid;

    /// <summary>The command's umask: the configuration's, or -1 for the caller's own.</summary>
    public int Umask => Configuration.Umask ?? -1;

    /// <summary>The file to execve, for messages.</summary>
    public string CommandText => Encoding.UTF8.GetString(Command.AsSpan(0, Command.Length - 1));

    /// <summary>
    /// Decide, in the order the security rules need:
    ///
    ///  1. by the caller's real uid and the configuration, what may be
    ///     decided before any account is looked up (<see cref="CallerPolicy.BeforeLookup"/>);
    ///  2. the target user and group, then the whole policy;
    ///  3. the command's environment (for callers other than root the
    ///     whitelist) and the command itself (for them, in the secure PATH).
    ///
    /// Throws <see cref="LaunchFailure"/> for every refusal.  Root's notice
    /// about an invalid configuration goes to <paramref name="warn"/> as
    /// soon as it is known (what, why).  <paramref name="access"/> answers
    /// for the caller and the target when the caller is not root (rule 21):
    /// lverun's own asks with their file-system identities
    /// (native/access.c); the default sees as this process does.
    /// </summary>
    public static LaunchPlan Make(Caller caller, LaunchRequest request, ReadOnlySpan<byte> command, ConfigurationFile config,
        Action<string, string>? warn = null, FileAccessCheck? access = null)
    {
        if (CallerPolicy.BeforeLookup(caller.Uid, config, request) is { } refused)
            throw refused;
        if (caller.Uid == 0 && !config.IsValid)
            warn?.Invoke(config.Path, config.Problem + " (ignored: root runs with the defaults)");
        TargetIdentity target = TargetIdentity.Resolve(request.User, request.Group, caller);
        if (CallerPolicy.Check(caller.Uid, config, request, target) is { } denied)
            throw denied;

        TargetEnvironment environment;
        byte[] path;
        if (caller.Uid == 0)
        {
            environment = TargetEnvironment.Build(caller.Environment, target);
            path = CommandLookup.Find(command, environment.Get("PATH") ?? Encoding.ASCII.GetBytes(CommandLookup.SecurePath));
        }
        else
        {
            environment = TargetEnvironment.Whitelisted(caller.Environment, target.Passwd ?? Account(target.Uid));
            path = CommandLookup.Find(command, Encoding.ASCII.GetBytes(CommandLookup.SecurePath), AsCallerAndTarget(caller, target, access));
        }
        return new LaunchPlan(caller, request, config.Configuration, target, environment, path);
    }

    /// <summary>
    /// The lookup of a caller that is not root (rule 21): the caller must
    /// reach the file itself, with its own file-system identity (its
    /// answer, whatever it is, is one it could get itself); when the command
    /// runs as the caller, the caller must also be able to run it, and with
    /// --user the target must (any failure of the target's is "Permission
    /// denied": the caller reached the file, the target cannot run it).
    /// Root's view never decides.
    /// </summary>
    private static CommandLookup.Check AsCallerAndTarget(Caller caller, TargetIdentity target, FileAccessCheck? access)
    {
        access ??= (path, _, _, _, execute) => CommandLookup.AsThisProcess(path) is var e && e != 0 ? e
            : execute ? Libc.AccessExecute(path) : 0;
        bool self = target.Uid == caller.Uid;
        return path =>
        {
            int error = access(path, caller.Uid, caller.Gid, caller.Groups, self);
            if (error != 0 || self)
                return error;
            return access(path, target.Uid, target.Gid, target.Groups, true) == 0 ? 0 : Errno.EACCES;
        };
    }

    /// <summary>The passwd entry of the uid the command runs as, for HOME, USER and LOGNAME; none if there is none.</summary>
    private static PasswdEntry? Account(uint uid)
    {
        try
        {
            return Libc.GetPasswdByUid(uid);
        }
        catch (NativeCallException)
        {
            return null;
        }
    }
}
