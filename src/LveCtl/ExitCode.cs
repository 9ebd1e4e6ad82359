// SPDX-License-Identifier: MIT
namespace LveCtl;

/// <summary>lvectl's exit status (lvectl(8), EXIT STATUS).</summary>
public static class ExitCode
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Some LVE (or all) could not be changed, read or removed; each is reported.</summary>
    public const int Partial = 1;

    /// <summary>A usage or configuration error: nothing was changed.</summary>
    public const int Usage = 2;
}
