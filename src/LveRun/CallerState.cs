// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// The arguments and environment exactly as the caller handed them to the
/// kernel, recorded by native/caller.c before the runtime started.  The
/// runtime's <c>string[] args</c> are the same arguments decoded to UTF-16;
/// a byte sequence that is not UTF-8 does not survive that decoding, which
/// is why the command's arguments are passed on from here instead.
/// </summary>
internal sealed unsafe class CallerState
{
    private readonly int argc;
    private readonly byte** argv;
    private readonly byte** envp;

    private CallerState(int argc, byte** argv, byte** envp)
    {
        this.argc = argc;
        this.argv = argv;
        this.envp = envp;
    }

    /// <summary>
    /// The recorded state, checked against the runtime's view of the
    /// arguments: args[i] must be argv[i + 1].
    /// </summary>
    internal static CallerState Capture(string[] args)
    {
        var state = new CallerState(CallerNative.lverun_caller_argc(), CallerNative.lverun_caller_argv(),
            CallerNative.lverun_caller_envp());
        if (state.argv == null || state.argc != args.Length + 1)
            throw new LaunchFailure(ExitCode.Failed, "arguments", "the recorded argv does not match the runtime's");
        return state;
    }

    /// <summary>argv[index] as the caller's bytes.</summary>
    internal ReadOnlySpan<byte> Argument(int index)
    {
        if ((uint)index >= (uint)argc)
            throw new ArgumentOutOfRangeException(nameof(index));
        return CString.Span(argv[index]);
    }

    /// <summary>The NULL-terminated tail of argv from <paramref name="index"/> on: the command's argv.</summary>
    internal byte** ArgvFrom(int index)
    {
        if ((uint)index >= (uint)argc)
            throw new ArgumentOutOfRangeException(nameof(index));
        return argv + index;
    }

    /// <summary>
    /// Refuse arguments lverun interprets itself (options, LVE_ID) unless
    /// they are the UTF-8 of what the runtime decoded: a name that is not
    /// valid UTF-8 would otherwise be looked up as something else.
    /// </summary>
    internal void RequireUtf8(string[] args, int count)
    {
        for (int i = 0; i < count && i < args.Length; i++)
        {
            if (!Argument(i + 1).SequenceEqual(Encoding.UTF8.GetBytes(args[i])))
                throw new LaunchFailure(ExitCode.Failed, "argument " + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "not valid UTF-8");
        }
    }

    /// <summary>
    /// The caller as the plan needs it: the real uid and gid recorded before
    /// lverun took real uid 0, the supplementary groups (a setuid exec keeps
    /// the caller's, and lverun has not changed them), the environment.
    /// </summary>
    internal Caller Identity()
    {
        uint uid, gid;
        CallerNative.lverun_caller_ids(&uid, &gid);
        return new Caller(uid, gid, Libc.GetGroups(), Environment());
    }

    /// <summary>The environment, entry by entry, in the caller's order.</summary>
    internal List<byte[]> Environment()
    {
        var entries = new List<byte[]>();
        if (envp != null)
            for (byte** e = envp; *e != null; e++)
                entries.Add(CString.ToArray(*e));
        return entries;
    }
}
