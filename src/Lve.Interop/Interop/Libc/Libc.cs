// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

/// <summary>
/// The C library calls lverun makes itself, one file per entry point, each
/// raw import beside its small managed wrapper.  Imports that report through
/// errno use SetLastError, and the wrapper reads the error right after the
/// call, before anything else can overwrite it.
/// </summary>
internal static unsafe partial class Libc
{
    /// <summary>The errno of the import that just failed, as an exception naming <paramref name="call"/>.</summary>
    internal static NativeCallException LastError(string call) =>
        new(call, Marshal.GetLastPInvokeError());
}
