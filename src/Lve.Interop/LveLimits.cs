// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;

namespace Lve.Interop;

/// <summary>
/// Values for some or all of the limits: each limit is either set (to a
/// value in its own unit, 0 = no limit where that applies) or absent.
/// Immutable; <see cref="With"/> makes a changed copy.
/// </summary>
public sealed class LveLimits : IEquatable<LveLimits>
{
    private readonly ulong[] values;
    private readonly uint mask;

    private LveLimits(ulong[] values, uint mask)
    {
        this.values = values;
        this.mask = mask;
    }

    /// <summary>No limit set.</summary>
    public static LveLimits None { get; } = new(new ulong[Liblve.Limits.Slots], 0);

    /// <summary>Whether <paramref name="limit"/> has a value here.</summary>
    public bool Has(LveLimit limit) => (mask & Bit(limit)) != 0;

    /// <summary>The value of <paramref name="limit"/>, or null when it is not set.</summary>
    public ulong? this[LveLimit limit] => Has(limit) ? values[limit.Id] : null;

    /// <summary>A copy with <paramref name="limit"/> set to <paramref name="value"/>.</summary>
    public LveLimits With(LveLimit limit, ulong value)
    {
        if (!limit.Accepts(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, limit.Name + " takes " + limit.Min + ".." + limit.Max +
                (limit.ZeroIsUnlimited ? " or 0 (no limit)" : ""));
        var copy = (ulong[])values.Clone();
        copy[limit.Id] = value;
        return new LveLimits(copy, mask | Bit(limit));
    }

    /// <summary>A copy without <paramref name="limit"/>.</summary>
    public LveLimits Without(LveLimit limit)
    {
        var copy = (ulong[])values.Clone();
        copy[limit.Id] = 0;
        return new LveLimits(copy, mask & ~Bit(limit));
    }

    /// <summary>These limits, with those of <paramref name="other"/> on top.</summary>
    public LveLimits Overlay(LveLimits other)
    {
        var copy = (ulong[])values.Clone();
        foreach (LveLimit limit in LveLimit.All)
            if (other.Has(limit))
                copy[limit.Id] = other.values[limit.Id];
        return new LveLimits(copy, mask | other.mask);
    }

    /// <summary>The limits that are set, in the table's order, with their values.</summary>
    public IEnumerable<(LveLimit Limit, ulong Value)> Set()
    {
        foreach (LveLimit limit in LveLimit.All)
            if (Has(limit))
                yield return (limit, values[limit.Id]);
    }

    /// <summary>The limits' bits (LVE_LIMIT_BIT), as liblve takes them.</summary>
    public uint Mask => mask;

    internal static uint Bit(LveLimit limit) => 1u << limit.Id;

    internal unsafe Liblve.Limits ToNative()
    {
        Liblve.Limits native = default;
        for (int i = 0; i < Liblve.Limits.Slots; i++)
            native.Value[i] = values[i];
        return native;
    }

    /// <summary>All of the table's limits, from liblve's struct.</summary>
    internal static unsafe LveLimits FromNative(in Liblve.Limits native)
    {
        var copy = new ulong[Liblve.Limits.Slots];
        uint all = 0;
        foreach (LveLimit limit in LveLimit.All)
        {
            copy[limit.Id] = native.Value[limit.Id];
            all |= Bit(limit);
        }
        return new LveLimits(copy, all);
    }

    public bool Equals(LveLimits? other)
    {
        if (other is null || other.mask != mask)
            return false;
        foreach (LveLimit limit in LveLimit.All)
            if (Has(limit) && values[limit.Id] != other.values[limit.Id])
                return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LveLimits);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(mask);
        foreach ((LveLimit _, ulong value) in Set())
            hash.Add(value);
        return hash.ToHashCode();
    }

    /// <summary>"speed=100 pmem=1073741824", the set limits by name.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        foreach ((LveLimit limit, ulong value) in Set())
            parts.Add(limit.Name + "=" + value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return string.Join(" ", parts);
    }
}

/// <summary>An LVE's limits as liblve keeps them, and which of them this host cannot enforce.</summary>
public sealed record LveLimitsApplied(LveLimits Limits, IReadOnlyList<LveLimit> Unenforced);
