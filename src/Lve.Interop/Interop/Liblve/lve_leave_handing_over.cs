// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_leave_handing_over(struct liblve *lve, uint32_t *cookie, pid_t heir);
    //
    // Not exported from liblve.so.0: only a program that links liblve.a
    // (lverun) can call it.
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_leave_handing_over(void* lve, uint* cookie, int heir);
}
