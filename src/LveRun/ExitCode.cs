// SPDX-License-Identifier: MIT
namespace LveRun;

/// <summary>
/// lverun's exit codes, as env, nice and timeout have them.  Any other
/// status is the command's own: lverun is replaced by it.
/// </summary>
public static class ExitCode
{
    public const int Success = 0;

    /// <summary>lverun itself failed: usage, LVE, privilege drop.</summary>
    public const int Failed = 125;

    /// <summary>The command was found but could not be run.</summary>
    public const int CannotRun = 126;

    /// <summary>The command was not found.</summary>
    public const int NotFound = 127;
}
