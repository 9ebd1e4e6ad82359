// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    // int close(int fd);
    [LibraryImport(Libraries.Libc, EntryPoint = "close")]
    internal static partial int Close(int fd);
}
