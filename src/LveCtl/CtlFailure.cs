// SPDX-License-Identifier: MIT
using System;

namespace LveCtl;

/// <summary>A failure that ends lvectl: one line, "lvectl: what: why", and its exit status.</summary>
public sealed class CtlFailure(int exitCode, string what, string why) : Exception(what + ": " + why)
{
    public int ExitCode { get; } = exitCode;

    public string What { get; } = what;

    public string Why { get; } = why;
}
