// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_set_default(uint32_t cpu, uint32_t io);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_set_default(uint cpu, uint io);
}
