// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_enter(struct liblve *lve, uint32_t ve_id, uint32_t uid, uint32_t gid, uint32_t *cookie);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_enter(void* lve, uint veId, uint uid, uint gid, uint* cookie);
}
