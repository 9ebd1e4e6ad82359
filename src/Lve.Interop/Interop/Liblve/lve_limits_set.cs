// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_limits_set(struct liblve *lve, uint32_t ve_id, const struct lve_limits *lim,
    //                    uint32_t mask, uint32_t *unenforced);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_limits_set(void* lve, uint veId, Limits* limits, uint mask, uint* unenforced);
}
