// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_create(uint32_t ve_id);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_create(uint veId);
}
