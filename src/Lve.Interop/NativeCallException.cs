// SPDX-License-Identifier: MIT
using System;

namespace Lve.Interop;

/// <summary>
/// A native call failed: which call, with which argument, and the errno it
/// reported.  The message reads like perror's, for example
/// <c>lve_enter(1001): Operation not permitted</c>.
/// </summary>
public sealed class NativeCallException : Exception
{
    public NativeCallException(string call, int errno)
        : base(call + ": " + Interop.Errno.Describe(errno))
    {
        Call = call;
        Errno = errno;
    }

    /// <summary>The call and its distinguishing argument, e.g. <c>lve_enter(1001)</c>.</summary>
    public string Call { get; }

    /// <summary>The positive errno value.</summary>
    public int Errno { get; }
}
