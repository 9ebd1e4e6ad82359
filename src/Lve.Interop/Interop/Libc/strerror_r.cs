// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // char *strerror_r(int errnum, char *buf, size_t buflen);
    //
    // glibc's default strerror_r is the GNU one: it returns the text, which
    // may or may not be in buf.
    [LibraryImport(Libraries.Libc)]
    internal static partial byte* strerror_r(int errnum, byte* buf, nuint buflen);
}
