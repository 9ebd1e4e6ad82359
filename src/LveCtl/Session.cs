// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// One run of lvectl: the configuration path, the liblve instance (made
/// when first needed), stdout, and the exit status so far.  Every error and
/// warning about one LVE is one line on stderr; the run goes on with the
/// next LVE and ends with <see cref="ExitCode.Partial"/>.
/// </summary>
public sealed class Session(string configPath, Stream outputStream, TextWriter output, TextWriter error) : IDisposable
{
    private LveInstance? instance;
    private readonly Dictionary<string, List<uint>> unenforced = [];

    public string ConfigPath { get; } = configPath;

    /// <summary>stdout, for text; flushed before anything goes to <see cref="OutStream"/>.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>stdout, for JSON.</summary>
    public Stream OutStream { get; } = outputStream;

    public TextWriter Err { get; } = error;

    public int Status { get; private set; } = ExitCode.Ok;

    /// <summary>liblve's instance: the hierarchies, found once for the whole run.</summary>
    public LveInstance Lve
    {
        get
        {
            lock (unenforced)
                return instance ??= new LveInstance();
        }
    }

    /// <summary>"lvectl: what: why" on stderr; the run ends with status 1 at least.</summary>
    public void Fail(string what, string why)
    {
        lock (unenforced)
        {
            Err.WriteLine("lvectl: " + what + ": " + why);
            Status = Math.Max(Status, ExitCode.Partial);
        }
    }

    /// <summary>"lvectl: warning: what: why" on stderr; the status is unchanged.</summary>
    public void Warn(string what, string why)
    {
        lock (unenforced)
            Err.WriteLine("lvectl: warning: " + what + ": " + why);
    }

    /// <summary>Note the limits liblve recorded but this host cannot enforce, for <see cref="ReportUnenforced"/>.</summary>
    public void NoteUnenforced(uint id, IReadOnlyList<LveLimit> limits)
    {
        lock (unenforced)
        foreach (LveLimit limit in limits)
        {
            if (!unenforced.TryGetValue(limit.Name, out List<uint>? ids))
                unenforced[limit.Name] = ids = [];
            ids.Add(id);
        }
    }

    /// <summary>One warning per limit this host could not enforce, whatever the number of LVEs.</summary>
    public void ReportUnenforced()
    {
        foreach (var (name, ids) in unenforced)
        {
            LveLimit limit = LveLimit.Named(name);
            string which = ids.Count == 1 ? "LVE " + LveId.Text(ids[0])
                : ids.Count + " LVEs (" + string.Join(", ", ids.Take(5).Select(LveId.Text)) + (ids.Count > 5 ? ", ..." : "") + ")";
            Warn(name, "recorded but not enforced for " + which + ": this host offers no " +
                (limit.V1Knob.Length > 0 ? limit.V1Knob + " (v1) nor " + limit.V2Knob + " (v2)" : "knob for it") +
                "; see lvectl check");
        }
        unenforced.Clear();
    }

    public void Dispose() => instance?.Dispose();
}
