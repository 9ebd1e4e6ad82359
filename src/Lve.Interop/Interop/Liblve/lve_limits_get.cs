// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_limits_get(struct liblve *lve, uint32_t ve_id, struct lve_limits *out, uint32_t *unenforced);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_limits_get(void* lve, uint veId, Limits* output, uint* unenforced);
}
