// SPDX-License-Identifier: MIT
namespace Lve.TestSupport;

/// <summary>
/// Why a test may be skipped.  Under `make test` (as root) a lane fails
/// when a test skips for any other reason (tests/shared/summary): a test
/// that needs root or cgroups must run there, not pass by skipping.  Only
/// what this kind of machine cannot have may be skipped, saying why and
/// where it runs for real instead (a VM lane).
/// </summary>
public static class Skips
{
    /// <summary>The start of every skip reason the lanes accept.</summary>
    public const string MachineKind = "not on this machine kind: ";
}
