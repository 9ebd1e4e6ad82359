// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    // const struct lve_limit_info *lve_limit_info(unsigned id);
    [LibraryImport(Libraries.Liblve)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory)]
    internal static partial LimitInfo* lve_limit_info(uint id);
}
