// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static partial class Libc
{
    // void setpwent(void);
    [LibraryImport(Libraries.Libc, EntryPoint = "setpwent")]
    internal static partial void SetPasswdEnumeration();
}
