// SPDX-License-Identifier: MIT
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// lverun's output: straight write(2) calls, no Console.  Console would
/// initialise terminal handling and encodings lverun does not need, and a
/// closed or broken descriptor must never turn into an exception.
/// </summary>
internal static class Stdio
{
    internal static void Out(string text) => Libc.WriteAll(1, Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// The one line of an error: <c>lverun: what: why</c>.  Control
    /// characters (a newline in an argument, say) are shown as '?' so that the
    /// message stays one line.
    /// </summary>
    internal static void Error(string what, string why)
    {
        var line = new StringBuilder("lverun: ").Append(what).Append(": ").Append(why);
        for (int i = 0; i < line.Length; i++)
            if (char.IsControl(line[i]))
                line[i] = '?';
        line.Append('\n');
        Libc.WriteAll(2, Encoding.UTF8.GetBytes(line.ToString()));
    }
}
