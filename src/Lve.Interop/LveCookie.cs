// SPDX-License-Identifier: MIT
namespace Lve.Interop;

/// <summary>
/// What lve_enter hands out and lve_leave must be given back.  Presenting a
/// cookie the instance did not hand out gets the process killed (SIGKILL),
/// so the value is kept as it came.
/// </summary>
public readonly record struct LveCookie(uint LveId, uint Value);
