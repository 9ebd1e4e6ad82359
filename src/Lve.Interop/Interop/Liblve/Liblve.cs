// SPDX-License-Identifier: MIT
namespace Lve.Interop;

/// <summary>
/// The functions of lve-ctl.h, one file each.  Every one returns 0 (or
/// its documented positive value) or a negative errno, so the errno travels
/// in the return value and no SetLastError is needed.
/// </summary>
internal static unsafe partial class Liblve
{
    /// <summary>The (uint32_t)-1 that callers pass as lve_enter's unused uid and gid.</summary>
    internal const uint Unused = uint.MaxValue;

    /// <summary>Throw for a negative return of <paramref name="call"/>.</summary>
    internal static int Check(int result, string call) =>
        result >= 0 ? result : throw new NativeCallException(call, -result);
}
