// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Liblve
{
    /// <summary>struct lve_limits: a value per limit, indexed by enum lve_limit_id.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Limits
    {
        /// <summary>LVE_LIMIT_SLOTS: room for limits to come.</summary>
        internal const int Slots = 16;

        internal fixed ulong Value[Slots];
    }

    /// <summary>struct lve_limit_info: one row of the limits table.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LimitInfo
    {
        internal byte* Name;
        internal byte* Summary;
        internal int Unit;
        internal ulong Min;
        internal ulong Max;
        internal ulong Builtin;
        internal int ZeroUnlimited;
        internal byte* V1Knob;
        internal byte* V2Knob;
    }

    /// <summary>struct lve_usage: the fields, in order, then unavailable and room to grow.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Usage
    {
        /// <summary>LVE_USAGE_FIELDS.</summary>
        internal const int Fields = 15;

        internal fixed ulong Field[Fields];
        internal ulong Unavailable;
        internal fixed ulong Reserved[16];
    }
}
