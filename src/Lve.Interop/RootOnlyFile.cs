// SPDX-License-Identifier: MIT
using System;
using System.Globalization;

namespace Lve.Interop;

/// <summary>What was wrong with a file <see cref="RootOnlyFile.Read"/> refused.</summary>
internal enum RootOnlyFault
{
    None,
    /// <summary>There is no such file.</summary>
    Missing,
    /// <summary>A symbolic link.</summary>
    Link,
    /// <summary>Not owned by root.</summary>
    Owner,
    /// <summary>Group- or world-writable.</summary>
    Writable,
    /// <summary>Anything else: not a regular file, an I/O error, too large.</summary>
    Other,
}

/// <summary>
/// A configuration file only root can change, read safely: opened
/// O_NOFOLLOW (a symlink is refused), then checked on the open file (fstat,
/// no race): a regular file, owned by root, neither group- nor
/// world-writable, at most a given size.  lverun's and lvectl's
/// configurations both go through here.
/// </summary>
internal static class RootOnlyFile
{
    /// <summary>
    /// Read <paramref name="path"/>: its bytes and permission bits, or the
    /// fault and a short <paramref name="problem"/> ("a symbolic link",
    /// "owned by uid 1000, not root", "group-writable", ...).
    /// </summary>
    internal static RootOnlyFault Read(string path, int maxSize, out ReadOnlyMemory<byte> content, out uint mode, out string problem)
    {
        content = default;
        mode = 0;
        problem = "";
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NONBLOCK | Libc.O_NOCTTY);
        if (fd == -Errno.ENOENT)
            return RootOnlyFault.Missing;
        if (fd < 0)
            return Fault(fd == -Errno.ELOOP ? RootOnlyFault.Link : RootOnlyFault.Other,
                fd == -Errno.ELOOP ? "a symbolic link" : Errno.Describe(-fd), out problem);
        try
        {
            int error = Libc.FstatxOwnerMode(fd, out Statx st);
            if (error != 0)
                return Fault(RootOnlyFault.Other, "fstat: " + Errno.Describe(error), out problem);
            if (!st.IsRegularFile)
                return Fault(RootOnlyFault.Other, "not a regular file", out problem);
            if (st.stx_uid != 0)
                return Fault(RootOnlyFault.Owner, "owned by uid " + st.stx_uid.ToString(CultureInfo.InvariantCulture) + ", not root", out problem);
            if ((st.stx_mode & 0x10) != 0) // 020
                return Fault(RootOnlyFault.Writable, "group-writable", out problem);
            if ((st.stx_mode & 0x2) != 0) // 002
                return Fault(RootOnlyFault.Writable, "world-writable", out problem);
            byte[] buffer = new byte[maxSize + 1];
            int n = Libc.ReadFully(fd, buffer);
            if (n < 0)
                return Fault(RootOnlyFault.Other, "read: " + Errno.Describe(-n), out problem);
            if (n > maxSize)
                return Fault(RootOnlyFault.Other, "larger than " + maxSize.ToString(CultureInfo.InvariantCulture) + " bytes", out problem);
            content = buffer.AsMemory(0, n);
            mode = (uint)(st.stx_mode & 0xfff);
            return RootOnlyFault.None;
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static RootOnlyFault Fault(RootOnlyFault fault, string why, out string problem)
    {
        problem = why;
        return fault;
    }
}
