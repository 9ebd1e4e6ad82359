// SPDX-License-Identifier: MIT
using System;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// lverun cannot go on: what failed, why, and the exit code that says which
/// kind of failure it was.  Printed as one line,
/// <c>lverun: &lt;what&gt;: &lt;why&gt;</c>.
/// </summary>
public sealed class LaunchFailure : Exception
{
    public LaunchFailure(int exitCode, string what, string why)
        : base(what + ": " + why)
    {
        ExitCode = exitCode;
        What = what;
        Why = why;
    }

    public int ExitCode { get; }

    public string What { get; }

    public string Why { get; }

    /// <summary>A failed native call, reported as lverun's own failure (125).</summary>
    public static LaunchFailure From(NativeCallException e) =>
        new(LveRun.ExitCode.Failed, e.Call, Errno.Describe(e.Errno));
}
