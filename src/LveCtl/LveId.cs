// SPDX-License-Identifier: MIT
using System.Globalization;

namespace LveCtl;

/// <summary>
/// An LVE id as people and the configuration write it: decimal 1..2^31-1,
/// ASCII digits, no sign, no leading zero (the same rule as lverun's and
/// liblve's directory names).
/// </summary>
public static class LveId
{
    public const uint Max = 0x7fffffff;

    public static bool TryParse(string text, out uint id)
    {
        id = 0;
        if (text.Length is 0 or > 10 || text[0] is < '1' or > '9')
            return false;
        ulong v = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '9')
                return false;
            v = v * 10 + (ulong)(c - '0');
        }
        if (v > Max)
            return false;
        id = (uint)v;
        return true;
    }

    /// <summary>Why <paramref name="text"/> is not an id, for a message.</summary>
    public static string Problem(string text) =>
        "not an LVE id (a number from 1 to " + Text(Max) + ", written without sign or leading zero)";

    public static string Text(uint id) => id.ToString(CultureInfo.InvariantCulture);
}
