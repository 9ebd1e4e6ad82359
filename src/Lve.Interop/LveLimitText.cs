// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace Lve.Interop;

/// <summary>
/// A limit's value as people write it: the one syntax lvectl's command line,
/// its configuration and its messages share, by unit (liblve's table says
/// which unit each limit has).
///
///   percent            150% or 150 (of one core)
///   bytes, bytes/s     a number with a binary suffix: B, K, M, G, T (KiB,
///                      MiB, GiB, TiB also; /s allowed after a rate); a
///                      fraction where it makes whole bytes (1.5G)
///   weight, ops/s,     a plain number
///   count
///   any limit where 0 means "no limit": unlimited, or 0
///
/// A size or rate without a unit is refused, with the two meanings it
/// likely had: hosting panels have shipped the bug where "2048" silently
/// meant 2048 bytes.
/// </summary>
public sealed partial class LveLimit
{
    /// <summary>The word for 0 where 0 means "no limit".</summary>
    public const string Unlimited = "unlimited";

    /// <summary>Its command-line spelling: "io-weight" for io_weight.</summary>
    public string OptionName => Name.Replace('_', '-');

    /// <summary>The limit named <paramref name="name"/> in either spelling (io_weight, io-weight), or null.</summary>
    public static LveLimit? FindAnySpelling(string name) => Find(name.Replace('-', '_'));

    /// <summary>Whether the unit is a size in bytes (or bytes per second) that needs a suffix.</summary>
    public bool IsSize => Unit is LveUnit.Bytes or LveUnit.BytesPerSecond;

    /// <summary>
    /// Parse <paramref name="text"/> as a value of this limit.  Throws
    /// <see cref="FormatException"/> whose message is one line saying what
    /// is wrong ("pmem '2048' has no unit: ...").
    /// </summary>
    public ulong Parse(string text) =>
        TryParse(text, out ulong value, out string? error) ? value : throw new FormatException(error);

    /// <summary>Parse <paramref name="text"/>; false and a one-line <paramref name="error"/> when it is not a valid value.</summary>
    public bool TryParse(string text, out ulong value, out string? error)
    {
        value = 0;
        string t = text.Trim();
        string quoted = Name + " '" + text + "'";
        if (t.Length == 0)
        {
            error = Name + ": empty value";
            return false;
        }
        if (string.Equals(t, Unlimited, StringComparison.OrdinalIgnoreCase))
        {
            error = ZeroIsUnlimited ? null : quoted + ": " + Name + " is always limited; it takes " + Range();
            return ZeroIsUnlimited;
        }

        BigInteger parsed;
        switch (Unit)
        {
            case LveUnit.Bytes:
            case LveUnit.BytesPerSecond:
                if (!ParseSize(t, Unit == LveUnit.BytesPerSecond, out parsed, out string? why))
                {
                    error = why == NoUnit ? quoted + ": " + NoUnitMessage(t) : quoted + ": " + why;
                    return false;
                }
                break;
            case LveUnit.Percent:
                if (!ParseWhole(t.EndsWith('%') ? t[..^1] : t, out parsed))
                {
                    error = quoted + ": not a percentage of one core (150% is one and a half cores)";
                    return false;
                }
                break;
            default:
                if (!ParseWhole(t, out parsed))
                {
                    error = quoted + ": not a whole number";
                    return false;
                }
                break;
        }

        if (parsed > ulong.MaxValue)
        {
            error = quoted + ": too large; " + Name + " takes " + Range();
            return false;
        }
        ulong v = (ulong)parsed;
        if (!Accepts(v))
        {
            error = quoted + ": " + (v == 0 ? "0 is not allowed" : v < Min ? "below the smallest" : "above the largest") +
                "; " + Name + " takes " + Range();
            return false;
        }
        value = v;
        error = null;
        return true;
    }

    /// <summary>The value as <see cref="Parse"/> reads it back exactly: "1G", "1536M", "150%", "unlimited", "100".</summary>
    public string Format(ulong value)
    {
        if (value == 0 && ZeroIsUnlimited)
            return Unlimited;
        return Unit switch
        {
            LveUnit.Bytes or LveUnit.BytesPerSecond => ExactSize(value),
            LveUnit.Percent => Text(value) + "%",
            _ => Text(value),
        };
    }

    /// <summary>The value for a table, shortened where exactness does not matter ("1.5G", "117.7M").</summary>
    public string FormatShort(ulong value)
    {
        if (value == 0 && ZeroIsUnlimited)
            return "-";
        return Unit switch
        {
            LveUnit.Bytes or LveUnit.BytesPerSecond => ShortSize(value),
            LveUnit.Percent => Text(value) + "%",
            _ => Text(value),
        };
    }

    /// <summary>"4K..64T or unlimited", the accepted values in this limit's syntax.</summary>
    public string Range() =>
        Format(Min) + ".." + Format(Max) + (ZeroIsUnlimited ? " or unlimited (0)" : "");

    private const string NoUnit = "no unit";

    private static readonly (char Suffix, int Shift)[] Suffixes = [('T', 40), ('G', 30), ('M', 20), ('K', 10)];

    private string NoUnitMessage(string number)
    {
        string rate = Unit == LveUnit.BytesPerSecond ? "/s" : "";
        string bytes = Unit == LveUnit.BytesPerSecond ? " bytes/s" : " bytes";
        string mega = BigInteger.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out BigInteger n) && n <= ulong.MaxValue >> 20
            ? " (" + ShortSize((ulong)n << 20) + rate + ")" : "";
        return "a size needs a unit: did you mean " + number + "M" + mega + " or " + number + bytes + " (" + number + "B)? " +
            "Write B, K, M, G or T (binary: 1K = 1024)";
    }

    /// <summary>A number with a suffix: whole bytes, or false with why.</summary>
    private static bool ParseSize(string text, bool rate, out BigInteger bytes, out string? why)
    {
        bytes = 0;
        string t = text;
        if (rate && t.EndsWith("/s", StringComparison.OrdinalIgnoreCase))
            t = t[..^2];
        int end = 0;
        while (end < t.Length && (char.IsAsciiDigit(t[end]) || t[end] == '.'))
            end++;
        string number = t[..end], suffix = t[end..].Trim();
        if (number.Length == 0 || number.Count(c => c == '.') > 1 || number.StartsWith('.') || number.EndsWith('.'))
        {
            why = "not a size (write it like 512M or 1.5G)";
            return false;
        }
        if (suffix.Length == 0)
        {
            if (number == "0")
            {
                why = null;
                return true; // 0 is "no limit", unit or not
            }
            why = NoUnit;
            return false;
        }
        int shift;
        string s = suffix.ToUpperInvariant();
        if (s == "B")
            shift = 0;
        else if (s.Length is 1 or 3 && (s.Length == 1 || s[1..] == "IB") && Array.FindIndex(Suffixes, x => x.Suffix == s[0]) is int i and >= 0)
            shift = Suffixes[i].Shift;
        else
        {
            why = "unknown unit '" + suffix + "' (sizes take B, K, M, G or T, binary: 1K = 1024)";
            return false;
        }
        int dot = number.IndexOf('.');
        string whole = dot < 0 ? number : number[..dot], fraction = dot < 0 ? "" : number[(dot + 1)..];
        BigInteger scaled = BigInteger.Parse(whole + fraction, CultureInfo.InvariantCulture) << shift;
        BigInteger divisor = BigInteger.Pow(10, fraction.Length);
        if (scaled % divisor != 0)
        {
            why = "not a whole number of bytes";
            return false;
        }
        bytes = scaled / divisor;
        why = null;
        return true;
    }

    private static bool ParseWhole(string text, out BigInteger value)
    {
        value = 0;
        return text.Length > 0 && text.All(char.IsAsciiDigit) &&
            BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The largest suffix that divides the value exactly: 1G, 1536M, 4097B.</summary>
    public static string ExactSize(ulong bytes)
    {
        if (bytes == 0)
            return "0";
        foreach (var (suffix, shift) in Suffixes)
            if ((bytes & ((1ul << shift) - 1)) == 0)
                return Text(bytes >> shift) + suffix;
        return Text(bytes) + "B";
    }

    /// <summary>A size in at most six characters: 512B, 9.5K, 117.7M, 1023M, 1T.</summary>
    public static string ShortSize(ulong bytes)
    {
        foreach (var (suffix, shift) in Suffixes)
        {
            if (bytes >> shift == 0)
                continue;
            double v = bytes / (double)(1ul << shift);
            string number = v >= 999.95 ? Math.Round(v).ToString("0", CultureInfo.InvariantCulture)
                : Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);
            return number + suffix;
        }
        return Text(bytes) + "B";
    }

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
