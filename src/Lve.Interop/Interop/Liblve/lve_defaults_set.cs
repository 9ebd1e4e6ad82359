// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // int lve_defaults_set(struct liblve *lve, const struct lve_limits *lim, uint32_t mask);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial int lve_defaults_set(void* lve, Limits* limits, uint mask);
}
