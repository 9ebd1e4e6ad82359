// SPDX-License-Identifier: MIT
using System.Globalization;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// An LVE id as people and the configuration write it: the one spelling
/// lverun and liblve's directory names use too (<see cref="IdNumber"/>:
/// decimal 1..2^31-1, ASCII digits, no sign, no leading zero).
/// </summary>
public static class LveId
{
    /// <summary>Why <paramref name="text"/> is not an id, for a message.</summary>
    public static string Problem(string text) =>
        "not an LVE id (a number from 1 to " + Text(IdNumber.Max) + ", written without sign or leading zero)";

    public static string Text(uint id) => id.ToString(CultureInfo.InvariantCulture);
}
