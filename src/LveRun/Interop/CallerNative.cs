// SPDX-License-Identifier: MIT
namespace LveRun;

/// <summary>
/// native/caller.c, linked into lverun: the arguments and environment as the
/// kernel handed them over, recorded before the runtime started.
/// </summary>
internal static unsafe partial class CallerNative
{
    /// <summary>The DirectPInvoke name under which native/caller.o is bound.</summary>
    internal const string Library = "lverun_caller";
}
