// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// The LVE refused the entry because its entry limit (ep) is reached:
/// nothing was entered or changed, and liblve counted an ep fault.  Without
/// --cgi lverun fails with <see cref="Failure"/> (125); with --cgi it answers
/// the web request itself (<see cref="CgiAnswer.EntryLimitReached"/>).
/// </summary>
public sealed class EntryLimitReached : Exception
{
    public EntryLimitReached(uint lveId, ulong? ep)
        : base("LVE " + lveId.ToString(CultureInfo.InvariantCulture) + ": entry limit reached")
    {
        LveId = lveId;
        Ep = ep;
    }

    public uint LveId { get; }

    /// <summary>The LVE's ep limit as liblve reported it right after, if it could be read.</summary>
    public ulong? Ep { get; }

    /// <summary>lverun: LVE 1001: entry limit reached (ep 20)</summary>
    public LaunchFailure Failure => new(ExitCode.Failed, "LVE " + LveId.ToString(CultureInfo.InvariantCulture),
        "entry limit reached" + (Ep is { } ep ? " (ep " + ep.ToString(CultureInfo.InvariantCulture) + ")" : ""));

    /// <summary>The refusal of LVE <paramref name="id"/>, with its ep limit read through <paramref name="lve"/> (root only).</summary>
    internal static EntryLimitReached Of(LveInstance lve, uint id)
    {
        ulong? ep = null;
        try
        {
            ep = lve.GetLimits(id).Limits[LveLimit.Named("ep")];
        }
        catch (NativeCallException)
        {
            // removed or changed meanwhile: the refusal stands, without the number
        }
        return new EntryLimitReached(id, ep);
    }
}
