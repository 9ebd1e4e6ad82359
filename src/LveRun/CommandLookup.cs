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
/// regular file with an execute bit wins.  When none does but something of
/// that name was seen (a directory, a file without execute bits, or a path
/// the search could not look into), the result is "cannot run", as execvp
/// reports EACCES then; otherwise "not found".
///
/// lverun is setuid root, so the lookup runs with root's view of the file
/// system.  When the command runs as the caller itself, asking with
/// <c>asCaller</c> checks each candidate with access(2), which uses the real
/// ids: a file the caller could not execute is "cannot run" whether or not
/// it exists, so lverun tells nobody what lies in directories they cannot
/// search.
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

    /// <summary>The file to execve (NUL-terminated bytes), or a <see cref="LaunchFailure"/> of 126 or 127.</summary>
    public static byte[] Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> searchPath, bool asCaller = false)
    {
        string shown = Encoding.UTF8.GetString(name);
        if (name.IsEmpty)
            throw new LaunchFailure(ExitCode.NotFound, "''", "command not found");
        if (name.IndexOf((byte)'/') >= 0)
        {
            byte[] path = Terminated(name);
            int error = Check(path, asCaller);
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
            int error = Check(candidate, asCaller);
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
    /// 0 if <paramref name="path"/> is a regular file with an execute bit
    /// (that the real ids may execute, <paramref name="asCaller"/>), else the
    /// errno execve would give.
    /// </summary>
    private static int Check(byte[] path, bool asCaller)
    {
        Statx st;
        int error;
        fixed (byte* p = path)
        {
            error = asCaller ? Libc.AccessExecute(p) : 0;
            if (error == 0)
                error = Libc.StatxTypeMode(p, out st);
            else
                st = default;
        }
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
