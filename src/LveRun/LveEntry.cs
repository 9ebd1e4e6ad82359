// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// How lverun enters the LVE: liblve's lve_enter_thread, on the thread that
/// is about to execve (lverun's main thread, which runs Main and calls
/// lverun_exec).  On cgroup v1 only that thread moves (its tid into each
/// hierarchy's tasks): that skips the kernel's process-wide lock
/// (cgroup_threadgroup_rwsem), whose first write after a quiet spell waits
/// for an RCU grace period, milliseconds.  execve then ends the runtime's
/// other threads, and the process that runs the command is inside whole; a
/// child forked from this thread starts inside too.  On cgroup v2 it is
/// lve_enter.  lve_leave undoes either exactly, so leaving on failure is
/// unchanged (<see cref="Launcher"/>).
/// </summary>
internal static unsafe class LveEntry
{
    /// <summary>
    /// Enter LVE <paramref name="id"/> with <paramref name="lve"/>.  A failure
    /// is a <see cref="NativeCallException"/> for "lve_enter(id)", the
    /// operation as lverun(1) and liblve(3) name it; its text is built only
    /// then.
    /// </summary>
    internal static LveCookie Enter(LveInstance lve, uint id)
    {
        uint cookie = 0;
        bool added = false;
        int r;
        try
        {
            lve.DangerousAddRef(ref added);
            r = LiblveStatic.lve_enter_thread((void*)lve.DangerousGetHandle(), id, &cookie);
        }
        finally
        {
            if (added)
                lve.DangerousRelease();
        }
        if (r < 0)
            throw new NativeCallException("lve_enter(" + id.ToString(CultureInfo.InvariantCulture) + ")", -r);
        return new LveCookie(id, cookie);
    }
}
