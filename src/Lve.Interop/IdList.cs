// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.Text;

namespace Lve.Interop;

/// <summary>Formatting of uid and gid lists for error messages.</summary>
internal static class IdList
{
    /// <summary>"1000,27,100", cut after a dozen ids so that a message stays one line.</summary>
    internal static string Format(ReadOnlySpan<uint> ids)
    {
        const int shown = 12;
        var text = new StringBuilder();
        for (int i = 0; i < ids.Length && i < shown; i++)
        {
            if (i > 0)
                text.Append(',');
            text.Append(ids[i].ToString(CultureInfo.InvariantCulture));
        }
        if (ids.Length > shown)
            text.Append(",... (").Append(ids.Length.ToString(CultureInfo.InvariantCulture)).Append(" groups)");
        return text.ToString();
    }
}
