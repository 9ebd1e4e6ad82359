// SPDX-License-Identifier: MIT
namespace LveRun;

/// <summary>
/// liblve's entry points that only lverun uses: hidden in the shared library
/// (native/src/internal.h), linked into lverun from liblve.a, which
/// DirectPInvoke binds at link time.
/// </summary>
internal static unsafe partial class LiblveStatic
{
    internal const string Library = "liblve";
}
