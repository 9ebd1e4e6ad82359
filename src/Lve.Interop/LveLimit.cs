// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text;

namespace Lve.Interop;

/// <summary>The unit of a limit's value (enum lve_unit).</summary>
public enum LveUnit
{
    /// <summary>CPU time as a percentage of one core: 100 is one core.</summary>
    Percent = 1,

    /// <summary>A relative weight, 1..1000.</summary>
    Weight = 2,

    Bytes = 3,
    BytesPerSecond = 4,
    OperationsPerSecond = 5,
    Count = 6,
}

/// <summary>
/// One limit, as liblve's limits table describes it (lve_limit_info).  The
/// table is the one definition of the limits: this model, lvectl's
/// configuration, its options and its JSON all take the names, units and
/// ranges from it, so adding a limit to liblve adds it everywhere.
/// </summary>
public sealed partial class LveLimit
{
    private LveLimit(int id, string name, string summary, LveUnit unit, ulong min, ulong max, ulong builtin,
        bool zeroIsUnlimited, string v1Knob, string v2Knob)
    {
        Id = id;
        Name = name;
        Summary = summary;
        Unit = unit;
        Min = min;
        Max = max;
        Builtin = builtin;
        ZeroIsUnlimited = zeroIsUnlimited;
        V1Knob = v1Knob;
        V2Knob = v2Knob;
    }

    /// <summary>Its index in the table (enum lve_limit_id).</summary>
    public int Id { get; }

    /// <summary>The one name: "speed", "io_weight", "pmem", ...</summary>
    public string Name { get; }

    /// <summary>One line for people.</summary>
    public string Summary { get; }

    public LveUnit Unit { get; }

    /// <summary>The smallest value accepted besides 0.</summary>
    public ulong Min { get; }

    public ulong Max { get; }

    /// <summary>The default of a tree whose defaults were never set.</summary>
    public ulong Builtin { get; }

    /// <summary>Whether 0 means "no limit" (every limit but io_weight).</summary>
    public bool ZeroIsUnlimited { get; }

    /// <summary>The cgroup v1 file(s) it is written to; empty for liblve's own (ep).</summary>
    public string V1Knob { get; }

    /// <summary>The cgroup v2 file(s).</summary>
    public string V2Knob { get; }

    /// <summary>Is <paramref name="value"/> acceptable?</summary>
    public bool Accepts(ulong value) => value == 0 ? ZeroIsUnlimited : value >= Min && value <= Max;

    public override string ToString() => Name;

    /// <summary>The whole table, in liblve's order.</summary>
    public static IReadOnlyList<LveLimit> All => Table.Value;

    /// <summary>The limit named <paramref name="name"/>, or null.</summary>
    public static LveLimit? Find(string name)
    {
        foreach (LveLimit limit in All)
            if (string.Equals(limit.Name, name, StringComparison.Ordinal))
                return limit;
        return null;
    }

    /// <summary>The limit named <paramref name="name"/>; throws for a name liblve does not know.</summary>
    public static LveLimit Named(string name) =>
        Find(name) ?? throw new ArgumentException("no limit named '" + name + "' in liblve's table", nameof(name));

    private static readonly Lazy<IReadOnlyList<LveLimit>> Table = new(Load);

    private static unsafe IReadOnlyList<LveLimit> Load()
    {
        var limits = new List<LveLimit>();
        for (uint id = 0; ; id++)
        {
            Liblve.LimitInfo* info = Liblve.lve_limit_info(id);
            if (info == null)
                break;
            if (id >= Liblve.Limits.Slots)
                throw new InvalidOperationException("liblve's table has more limits than struct lve_limits holds");
            limits.Add(new LveLimit((int)id, Text(info->Name), Text(info->Summary), (LveUnit)info->Unit,
                info->Min, info->Max, info->Builtin, info->ZeroUnlimited != 0, Text(info->V1Knob), Text(info->V2Knob)));
        }
        return limits;
    }

    private static unsafe string Text(byte* text) => Encoding.UTF8.GetString(CString.Span(text));
}
