// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    // void endpwent(void);
    [LibraryImport(Libraries.Libc, EntryPoint = "endpwent")]
    internal static partial void EndPasswdEnumeration();
}
