// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    // int isatty(int fd);
    [LibraryImport(Libraries.Libc, EntryPoint = "isatty")]
    private static partial int isatty(int fd);

    /// <summary>Whether <paramref name="fd"/> is a terminal.</summary>
    internal static bool IsTerminal(int fd) => isatty(fd) == 1;
}
