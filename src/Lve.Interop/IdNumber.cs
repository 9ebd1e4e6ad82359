// SPDX-License-Identifier: MIT
namespace Lve.Interop;

/// <summary>
/// The one accepted spelling of an LVE id, uid or gid: ASCII digits only, no
/// sign, no spaces, no leading zero, at most 10 digits (^[1-9][0-9]{0,9}$),
/// and below 2^31.  uint.Parse would take " 1000", "+1000" and "1000\n",
/// and (uint)int.Parse("-1") is 4294967295, (uid_t)-1: the "no change" value
/// of setresuid.  Nothing culture-dependent is consulted.
/// </summary>
public static class IdNumber
{
    /// <summary>The largest id: 2^31 - 1.</summary>
    public const uint Max = int.MaxValue;

    public static bool TryParse(string? text, out uint value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 10 || text[0] == '0')
            return false;
        ulong n = 0;
        foreach (char c in text)
        {
            if (c < '0' || c > '9')
                return false;
            n = n * 10 + (uint)(c - '0');
        }
        if (n > Max)
            return false;
        value = (uint)n;
        return true;
    }

    /// <summary>All ASCII digits (so meant as a number, valid or not).</summary>
    public static bool LooksNumeric(string text)
    {
        if (text.Length == 0)
            return false;
        foreach (char c in text)
            if (c < '0' || c > '9')
                return false;
        return true;
    }
}
