// SPDX-License-Identifier: MIT
using Lve.Interop;
using Syscall = Mono.Unix.Native.Syscall;

namespace LveRun;

/// <summary>
/// The launch: a <see cref="LaunchPlan"/> made without changing anything
/// (parse, policy, identity, environment, command), then carried out in the
/// order the kernel and the security rules need:
///
///  1. initialise a liblve instance and enter the LVE;
///  2. drop privileges and prove it;
///  3. give the command the caller's limits, signal state, scheduling and
///     umask, close what it must not inherit, and execve (native/launch.c);
///     or, when it runs as another user with a terminal attached, start it
///     in a session and on a pseudo-terminal of its own, leave the LVE and
///     relay (native/session.c).
///
/// Nothing before step 1 changes any state, so a refusal there leaves no
/// trace.  After step 1 every failure leaves the LVE again while lverun
/// still can, which needs euid 0: a failing setgroups, setresgid or
/// setresuid leaves euid 0.  Once the drop to another user has succeeded
/// there is no way back to root, by design, so a failed proof or a failed
/// execve cannot leave; the process exits at once instead, which takes it
/// out of the LVE all the same.
///
/// What lverun does before Main (native/caller.c) matters as much: the
/// environment, argv[0], fds, limits and signals are made safe there.
/// </summary>
internal static unsafe class Launcher
{
    internal static int Run(string[] args)
    {
        CallerState caller = CallerState.Capture(args);
        ParsedCommandLine parsed = CommandLine.Parse(args);
        switch (parsed.Action)
        {
            case CommandLineAction.Help:
                Stdio.Out(CommandLine.HelpText);
                return ExitCode.Success;
            case CommandLineAction.Version:
                Stdio.Out("lverun " + BuildInfo.Version + "\n");
                return ExitCode.Success;
            case CommandLineAction.Error:
                throw parsed.Error!;
        }
        LaunchRequest request = parsed.Request!;
        caller.RequireUtf8(args, request.CommandIndex);
        ConfigurationFile config = Configuration.Load(BuildInfo.ConfigPath);
        LaunchPlan plan = LaunchPlan.Make(caller.Identity(), request, caller.Argument(request.CommandIndex + 1), config, Stdio.Error,
            AsAccount);
        try
        {
            return Execute(plan, caller);
        }
        catch (EntryLimitReached full)
        {
            if (!request.Cgi)
                throw full.Failure;
            // --cgi: the web server gets an answer it can pass on (508, not
            // 500), and its error log still gets the reason.
            Stdio.Error(full.Failure.What, full.Failure.Why);
            Stdio.Out(CgiAnswer.EntryLimitReached(request.RetryAfter));
            return ExitCode.Success;
        }
    }

    /// <summary>The lookup's check as another account, with its file-system identity (native/access.c).</summary>
    private static int AsAccount(byte[] path, uint uid, uint gid, uint[] groups, bool execute)
    {
        fixed (byte* p = path)
        fixed (uint* g = groups)
            return CallerNative.lverun_check_as(p, uid, gid, g, groups.Length, execute ? 1 : 0);
    }

    /// <summary>Enter, drop, exec.  Returns (an exit code) only when lverun failed; otherwise it has become the command.</summary>
    private static int Execute(LaunchPlan plan, CallerState caller)
    {
        byte** envp = plan.Environment.ToNative();
        byte** argv = caller.ArgvFrom(plan.CommandArgument);
        int flags = plan.ClosesInheritedFds ? CallerNative.ExecCloseFds : 0;
        // Another user's command with a terminal attached gets a session and
        // a pseudo-terminal of its own, started by a child that drops
        // privileges itself (native/session.c; SECURITY.md rules 16, 22).
        bool ownSession = plan.RunsAsAnotherUser && CallerNative.lverun_needs_session() != 0;

        using var lve = new LveInstance();
        LveCookie cookie;
        try
        {
            cookie = LveEntry.Enter(lve, plan.Request.LveId);
        }
        catch (NativeCallException e) when (e.Errno == Errno.E2BIG)
        {
            throw EntryLimitReached.Of(lve, plan.Request.LveId);
        }
        catch (NativeCallException e) when (e.Errno == Errno.EPERM && Syscall.geteuid() == 0)
        {
            // Privileged, liblve refuses only a process that is inside an
            // LVE already (a job or request that runs in one calls lverun).
            throw new LaunchFailure(ExitCode.Failed, e.Call, "already inside an LVE (LVEs do not nest)");
        }
        catch (NativeCallException e)
        {
            throw LaunchFailure.From(e);
        }

        int error, stage;
        if (ownSession)
        {
            fixed (byte* file = plan.Command)
            fixed (uint* groups = plan.Target.Groups)
                error = CallerNative.lverun_spawn(file, argv, envp, flags, plan.Umask, plan.Target.Uid, plan.Target.Gid,
                    groups, plan.Target.Groups.Length, &stage);
            // The parent, root still, never stays in the LVE: only the command
            // is the account's.  Its entry goes to the child that lives as
            // long as the command, so the entry limit still counts it.
            if (stage == CallerNative.StageStarted)
                LeaveHandingOver(lve, cookie, CallerNative.lverun_spawned());
            else
                LeaveIfPrivileged(lve, cookie);
            if (stage == CallerNative.StageStarted)
                error = CallerNative.lverun_relay(&stage);
            throw Failure(plan, stage, error);
        }

        try
        {
            PrivilegeDrop.Apply(plan.Target);
            PrivilegeDrop.Verify(plan.Target);
        }
        catch (NativeCallException e)
        {
            LeaveIfPrivileged(lve, cookie);
            throw LaunchFailure.From(e);
        }
        catch
        {
            LeaveIfPrivileged(lve, cookie);
            throw;
        }

        fixed (byte* file = plan.Command)
        {
            error = CallerNative.lverun_exec(file, argv, envp, flags, plan.Umask, &stage);
        }
        LeaveIfPrivileged(lve, cookie);
        throw Failure(plan, stage, error);
    }

    /// <summary>What failed on the way to the command's execve, and the exit code it means.</summary>
    private static LaunchFailure Failure(LaunchPlan plan, int stage, int error) =>
        stage == CallerNative.StageExecve
            ? new LaunchFailure(error == Errno.ENOENT ? ExitCode.NotFound : ExitCode.CannotRun,
                "execve(" + plan.CommandText + ")", Errno.Describe(error))
            : new LaunchFailure(ExitCode.Failed, StageName(stage), Errno.Describe(error));

    private static string StageName(int stage) => stage switch
    {
        CallerNative.StageLimits => "setrlimit (the caller's limits)",
        CallerNative.StageSignals => "sigaction (the caller's signals)",
        CallerNative.StageFds => "close-on-exec (fds 3 and up)",
        CallerNative.StageSetsid => "setsid",
        CallerNative.StageFork => "fork (a new session)",
        CallerNative.StageWait => "waitpid",
        CallerNative.StageSched => "sched_setscheduler (the caller's scheduling)",
        CallerNative.StageDrop => "privilege drop (in a session of its own)",
        CallerNative.StagePty => "pseudo-terminal",
        _ => "lverun_exec",
    };

    /// <summary>
    /// lve_leave, if this process still may (euid 0).  Its own failure is not
    /// reported: the failure that brought lverun here is, and lverun exits
    /// right after, which ends its membership anyway.
    /// </summary>
    private static void LeaveHandingOver(LveInstance lve, LveCookie cookie, int heir)
    {
        try
        {
            lve.LeaveHandingOver(cookie, heir);
        }
        catch (NativeCallException)
        {
            // the heir is gone already (the command failed at once), or the
            // leave failed: the relay reports what the command did
            LeaveIfPrivileged(lve, cookie);
        }
    }

    private static void LeaveIfPrivileged(LveInstance lve, LveCookie cookie)
    {
        if (Syscall.geteuid() != 0)
            return;
        try
        {
            lve.Leave(cookie);
        }
        catch (NativeCallException)
        {
        }
    }
}
