// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Runtime.InteropServices;
using Lve.Interop;
using Syscall = Mono.Unix.Native.Syscall;

namespace LveRun;

/// <summary>
/// Becoming the target: supplementary groups, then gid, then uid (each later
/// step needs the privilege the earlier ones still have), and then proof
/// that it stuck and cannot be undone.
///
/// Everything goes through the C library's wrappers: the runtime already
/// runs several threads at Main, the kernel changes credentials per thread,
/// and only glibc's wrappers apply a change to every thread of the process.
/// The whole sequence runs on the thread that then calls execve.
///
/// setresgid, setresuid and setuid come from Mono.Posix.NETStandard, whose
/// Syscall entry points are plain libc imports; setgroups, getgroups,
/// getresuid/getresgid and capget/capset are lverun's own imports
/// (SECURITY.md rule 5).
/// </summary>
public static class PrivilegeDrop
{
    private const uint Unchanged = uint.MaxValue; // (uid_t)-1

    /// <summary>setgroups, setresgid, setresuid; for a non-root target also clear the capability sets.</summary>
    public static void Apply(TargetIdentity target)
    {
        Libc.SetGroups(target.Groups);
        if (Syscall.setresgid(target.Gid, target.Gid, target.Gid) != 0)
            throw new NativeCallException("setresgid(" + Text(target.Gid) + ")", Marshal.GetLastPInvokeError());
        if (Syscall.setresuid(target.Uid, target.Uid, target.Uid) != 0)
            throw new NativeCallException("setresuid(" + Text(target.Uid) + ")", Marshal.GetLastPInvokeError());
        if (target.Uid != 0)
        {
            // Leaving uid 0 empties the permitted and effective sets, but not
            // the inheritable one, which a file's inheritable capabilities
            // could turn back into permitted ones at execve.
            if (!Libc.CapGet().IsEmpty)
                Libc.CapClear();
        }
    }

    /// <summary>
    /// Prove the drop: real, effective and saved ids are the target's, the
    /// groups are the target's, and for a non-root target root cannot be
    /// regained (setuid(0) and setresuid(-1, 0, -1) fail) and no capability
    /// is left.  Throws <see cref="LaunchFailure"/> (125) on any mismatch.
    /// </summary>
    public static void Verify(TargetIdentity target)
    {
        var uids = Libc.GetResUid();
        if (uids.Real != target.Uid || uids.Effective != target.Uid || uids.Saved != target.Uid)
            throw Mismatch("uids are " + Text(uids.Real) + "," + Text(uids.Effective) + "," + Text(uids.Saved) +
                ", not " + Text(target.Uid));
        var gids = Libc.GetResGid();
        if (gids.Real != target.Gid || gids.Effective != target.Gid || gids.Saved != target.Gid)
            throw Mismatch("gids are " + Text(gids.Real) + "," + Text(gids.Effective) + "," + Text(gids.Saved) +
                ", not " + Text(target.Gid));
        uint[] groups = Libc.GetGroups();
        if (!SameGroups(groups, target.Groups))
            throw Mismatch("groups are " + IdList.Format(groups) + ", not " + IdList.Format(target.Groups));
        if (target.Uid == 0)
            return;
        if (Syscall.setuid(0) == 0)
            throw Mismatch("setuid(0) succeeded");
        if (Syscall.setresuid(Unchanged, 0, Unchanged) == 0)
            throw Mismatch("setresuid(-1, 0, -1) succeeded");
        var caps = Libc.CapGet();
        if (!caps.IsEmpty)
            throw Mismatch("capabilities left: effective " + caps.Effective.ToString("x", CultureInfo.InvariantCulture) +
                ", permitted " + caps.Permitted.ToString("x", CultureInfo.InvariantCulture) +
                ", inheritable " + caps.Inheritable.ToString("x", CultureInfo.InvariantCulture));
    }

    /// <summary>The kernel keeps the list sorted; compare as sorted lists, duplicates included.</summary>
    private static bool SameGroups(uint[] actual, uint[] expected)
    {
        if (actual.Length != expected.Length)
            return false;
        uint[] a = (uint[])actual.Clone();
        uint[] b = (uint[])expected.Clone();
        Array.Sort(a);
        Array.Sort(b);
        return a.AsSpan().SequenceEqual(b);
    }

    private static LaunchFailure Mismatch(string why) => new(ExitCode.Failed, "privilege drop", why);

    private static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
