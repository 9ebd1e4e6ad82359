// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// Finds the file a command name stands for, as execvp would, but before
/// anything is entered or dropped, so that "not found" (127) and "cannot
/// run" (126) never leave a trace in an LVE.
///
/// A name with a '/' is taken as given.  Otherwise each absolute directory of
/// the search path is tried in order; empty and relative entries (which
/// execvp would take as the working directory) are skipped.  The first
/// candidate the check accepts wins.  When none does but something of that
/// name was seen (a directory, a file without execute bits, or a path the
/// search could not look into), the result is "cannot run", as execvp
/// reports EACCES then; otherwise "not found".
///
/// The check decides whose view counts.  By default it is this process's
/// (a root caller's: it may look anywhere); for any other caller lverun
/// checks with the caller's file-system identity and, with --user, the
/// target's as well (<see cref="LaunchPlan"/>, native/access.c), so that a
/// path the caller cannot reach answers exactly as one that does not exist
/// behind it: lverun tells nobody what lies in directories they cannot
/// search (SECURITY.md rule 21).
/// </summary>
public static unsafe class CommandLookup
{
    /// <summary>
    /// The fixed search path for callers other than root and their
    /// command's PATH (SECURITY.md rules 14 and 17), and the search path of
    /// a root caller whose environment has no PATH.  Defined once, as
    /// LVERUN_SECURE_PATH in native/caller.h, which gives lverun itself the
    /// same.
    /// </summary>
    public const string SecurePath = BuildInfo.SecurePath;

    /// <summary>
    /// Whether <paramref name="path"/> (NUL-terminated) may be the command:
    /// 0, or the errno that execve would give.
    /// </summary>
    public delegate int Check(byte[] path);

    /// <summary>The file to execve (NUL-terminated bytes), or a <see cref="LaunchFailure"/> of 126 or 127.</summary>
    public static byte[] Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> searchPath, Check? check = null)
    {
        check ??= AsThisProcess;
        string shown = Encoding.UTF8.GetString(name);
        if (name.IsEmpty)
            throw new LaunchFailure(ExitCode.NotFound, "''", "command not found");
        if (name.IndexOf((byte)'/') >= 0)
        {
            byte[] path = Terminated(name);
            int error = check(path);
            if (error == 0)
                return path;
            throw new LaunchFailure(error == Errno.ENOENT || error == Errno.ENOTDIR ? ExitCode.NotFound : ExitCode.CannotRun,
                shown, Errno.Describe(error));
        }

        int seen = 0;
        foreach (Range range in Split(searchPath))
        {
            ReadOnlySpan<byte> directory = searchPath[range];
            if (directory.IsEmpty || directory[0] != (byte)'/')
                continue;
            byte[] candidate = Join(directory, name);
            int error = check(candidate);
            if (error == 0)
                return candidate;
            if (error != Errno.ENOENT && error != Errno.ENOTDIR && error != Errno.ENAMETOOLONG && error != Errno.ELOOP && seen == 0)
                seen = error;
        }
        if (seen != 0)
            throw new LaunchFailure(ExitCode.CannotRun, shown, Errno.Describe(seen));
        throw new LaunchFailure(ExitCode.NotFound, shown, "command not found");
    }

    /// <summary>
    /// As this process sees it: 0 if <paramref name="path"/> is a regular
    /// file with an execute bit, else the errno execve would give.
    /// </summary>
    public static int AsThisProcess(byte[] path)
    {
        Statx st;
        int error;
        fixed (byte* p = path)
            error = Libc.StatxTypeMode(p, out st);
        if (error != 0)
            return error;
        if (!st.IsRegularFile || !st.AnyExecuteBit)
            return Errno.EACCES;
        return 0;
    }

    private static IEnumerable<Range> Split(ReadOnlySpan<byte> path)
    {
        var ranges = new List<Range>();
        int start = 0;
        for (int i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == (byte)':')
            {
                ranges.Add(new Range(start, i));
                start = i + 1;
            }
        }
        return ranges;
    }

    private static byte[] Join(ReadOnlySpan<byte> directory, ReadOnlySpan<byte> name)
    {
        bool slash = directory[^1] == (byte)'/';
        byte[] path = new byte[directory.Length + (slash ? 0 : 1) + name.Length + 1];
        directory.CopyTo(path);
        int at = directory.Length;
        if (!slash)
            path[at++] = (byte)'/';
        name.CopyTo(path.AsSpan(at));
        return path;
    }

    private static byte[] Terminated(ReadOnlySpan<byte> text)
    {
        byte[] bytes = new byte[text.Length + 1];
        text.CopyTo(bytes);
        return bytes;
    }
}
