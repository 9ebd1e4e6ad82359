// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace Lve.Interop;

/// <summary>errno values and their text.</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int E2BIG = 7;
    public const int ENOEXEC = 8;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ERANGE = 34;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;

    /// <summary>
    /// The C library's text for <paramref name="errno"/> ("Operation not
    /// permitted").  Read through strerror_r, so no ICU and no helper library
    /// is involved; lverun never calls setlocale, so the text is the C
    /// locale's.
    /// </summary>
    public static unsafe string Describe(int errno)
    {
        const int size = 256;
        byte* buffer = stackalloc byte[size];
        byte* text = Libc.strerror_r(errno, buffer, size);
        if (text == null)
            return "error " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetString(CString.Span(text));
    }

}
