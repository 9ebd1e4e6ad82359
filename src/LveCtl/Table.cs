// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace LveCtl;

/// <summary>
/// Plain columns for people, like lsblk's and ps's: a header line, then one
/// line per row; numbers right-aligned, text left-aligned; the last column
/// may run on.  The same data as the JSON, shortened for the eye.
/// </summary>
public sealed class Table(params (string Title, bool Right)[] columns)
{
    private readonly List<string[]> rows = [];

    public void Add(params string[] cells) => rows.Add(cells);

    public int Count => rows.Count;

    /// <summary>The lines, each at most <paramref name="width"/> characters (0: no limit).</summary>
    public IEnumerable<string> Lines(int width = 0)
    {
        int[] widths = new int[columns.Length];
        for (int c = 0; c < columns.Length; c++)
            widths[c] = Math.Max(columns[c].Title.Length, rows.Count == 0 ? 0 : rows.Max(r => c < r.Length ? r[c].Length : 0));
        yield return Cut(Line(columns.Select(c => c.Title).ToArray(), widths), width);
        foreach (string[] row in rows)
            yield return Cut(Line(row, widths), width);
    }

    public void Write(TextWriter output, int width = 0)
    {
        foreach (string line in Lines(width))
            output.WriteLine(line);
    }

    private string Line(string[] cells, int[] widths)
    {
        var parts = new List<string>(cells.Length);
        for (int c = 0; c < columns.Length; c++)
        {
            string cell = c < cells.Length ? cells[c] : "";
            bool last = c == columns.Length - 1;
            parts.Add(columns[c].Right ? cell.PadLeft(widths[c]) : last ? cell : cell.PadRight(widths[c]));
        }
        return string.Join(' ', parts).TrimEnd();
    }

    private static string Cut(string line, int width) => width > 0 && line.Length > width ? line[..width] : line;
}
