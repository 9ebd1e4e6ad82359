using System;
using System.Text;
using Lve.Interop;
using Syscall = Mono.Unix.Native.Syscall;

namespace LveRun;

/// <summary>
/// The launch, in the order the kernel and the security rules need:
///
///  1. parse and validate everything (options, LVE id);
///  2. read the configuration and decide, by the caller's real uid, what
///     it may do (<see cref="CallerPolicy"/>), looking up the user and
///     group in between;
///  3. build the command's environment and find the command (for callers
///     other than root: a whitelist, and the secure search path);
///  4. initialise a liblve instance and enter the LVE;
///  5. drop privileges and prove it;
///  6. give the command the caller's limits, signal state and umask, close
///     what it must not inherit, and execve (native/launch.c), in a new
///     session when it runs as another user with a terminal attached.
///
/// Nothing before step 4 changes any state, so a refusal there leaves no
/// trace.  After step 4 every failure leaves the LVE again while lverun
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
        int commandArg = request.CommandIndex + 1; // argv[0] is lverun itself
        caller.RequireUtf8(args, request.CommandIndex);

        uint callerUid = Syscall.getuid();
        ConfigurationFile config = Configuration.Load(BuildInfo.ConfigPath);
        if (CallerPolicy.BeforeLookup(callerUid, config, request) is { } refused)
            throw refused;
        if (callerUid == 0 && !config.IsValid)
            Stdio.Error(config.Path, config.Problem + " (ignored: root runs with the defaults)");
        TargetIdentity target = TargetIdentity.Resolve(request.User, request.Group);
        if (CallerPolicy.Check(callerUid, config, request, target) is { } denied)
            throw denied;

        byte[] path;
        TargetEnvironment environment;
        if (callerUid == 0)
        {
            environment = TargetEnvironment.Build(caller.Environment(), target);
            path = CommandLookup.Find(caller.Argument(commandArg),
                environment.Get("PATH") ?? Encoding.ASCII.GetBytes(CommandLookup.DefaultPath));
        }
        else
        {
            environment = TargetEnvironment.Whitelisted(caller.Environment(), target.Passwd ?? Account(target.Uid));
            path = CommandLookup.Find(caller.Argument(commandArg), Encoding.ASCII.GetBytes(CommandLookup.SecurePath),
                asCaller: target.Uid == callerUid);
        }
        byte** envp = environment.ToNative();
        byte** argv = caller.ArgvFrom(commandArg);
        int flags = (callerUid != 0 ? CallerNative.ExecCloseFds : 0) |
            (target.Uid != callerUid ? CallerNative.ExecOtherUser : 0);
        int umask = config.Configuration.Umask ?? -1;

        using var lve = new LveInstance();
        LveCookie cookie;
        try
        {
            cookie = lve.Enter(request.LveId);
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

        try
        {
            PrivilegeDrop.Apply(target);
            PrivilegeDrop.Verify(target);
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

        int error, stage;
        fixed (byte* file = path)
        {
            error = CallerNative.lverun_exec(file, argv, envp, flags, umask, &stage);
        }
        LeaveIfPrivileged(lve, cookie);
        string shown = Encoding.UTF8.GetString(path.AsSpan(0, path.Length - 1));
        if (stage == CallerNative.StageExecve)
            throw new LaunchFailure(error == Errno.ENOENT ? ExitCode.NotFound : ExitCode.CannotRun,
                "execve(" + shown + ")", Errno.Describe(error));
        throw new LaunchFailure(ExitCode.Failed, StageName(stage), Errno.Describe(error));
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

    private static string StageName(int stage) => stage switch
    {
        CallerNative.StageLimits => "setrlimit (the caller's limits)",
        CallerNative.StageSignals => "sigaction (the caller's signals)",
        CallerNative.StageFds => "close-on-exec (fds 3 and up)",
        CallerNative.StageSetsid => "setsid",
        CallerNative.StageFork => "fork (a new session)",
        CallerNative.StageWait => "waitpid",
        _ => "lverun_exec",
    };

    /// <summary>
    /// lve_leave, if this process still may (euid 0).  Its own failure is not
    /// reported: the failure that brought lverun here is, and lverun exits
    /// right after, which ends its membership anyway.
    /// </summary>
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
