// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Lve.Interop;

namespace LveCtl;

/// <summary>The commands that look: limits, default (without limits), list, usage.</summary>
public static class Reports
{
    /// <summary>limits [ID...] [--json]: what the configuration says and what the kernel has, per LVE.</summary>
    public static void Limits(Session s, IReadOnlyList<uint> ids, bool json)
    {
        ConfigDocument doc = ConfigFile.Read(s.ConfigPath).Document;
        IEnumerable<uint> which = ids.Count > 0 ? ids
            : doc.Lves.Select(l => l.Id).Union(s.Lve.List()).Order();
        var entries = new List<(uint Id, string? User, ConfiguredLve? Lve, LveLimits Wanted, LveLimitsApplied? Applied, bool InSync)>();
        foreach (uint id in which)
        {
            ConfiguredLve? lve = doc.Find(id);
            LveLimits wanted = doc.Effective(id);
            LveLimitsApplied? applied = null;
            try
            {
                applied = s.Lve.GetLimits(id);
            }
            catch (NativeCallException e) when (e.Errno == Errno.ENOENT)
            {
                if (lve == null && ids.Count > 0)
                    s.Fail("limits " + LveId.Text(id), "not configured and does not exist");
                if (lve == null)
                    continue;
            }
            catch (NativeCallException e)
            {
                s.Fail("limits " + LveId.Text(id), Errno.Describe(e.Errno));
                continue;
            }
            bool inSync = applied != null && LveLimit.All.All(l => applied.Limits[l] == wanted[l]);
            entries.Add((id, Accounts.UserOf(id, doc), lve, wanted, applied, inSync));
        }
        if (json)
        {
            Json(s, w =>
            {
                w.WriteStartArray();
                foreach (var (id, user, lve, wanted, applied, inSync) in entries)
                {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                if (user != null) w.WriteString("user", user); else w.WriteNull("user");
                w.WriteBoolean("configured", lve != null);
                w.WriteBoolean("exists", applied != null);
                w.WriteBoolean("in_sync", inSync);
                w.WriteStartObject("limits");
                foreach (LveLimit limit in LveLimit.All)
                {
                    w.WriteStartObject(limit.Name);
                    w.WriteNumber("configured", wanted[limit]!.Value);
                    w.WriteString("source", lve != null && lve.Limits.Has(limit) ? "own" : "default");
                    if (applied != null)
                    {
                        w.WriteNumber("applied", applied.Limits[limit]!.Value);
                        w.WriteBoolean("enforced", !applied.Unenforced.Contains(limit));
                    }
                    else
                    {
                        w.WriteNull("applied");
                        w.WriteNull("enforced");
                    }
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
                }
                w.WriteEndArray();
            });
            return;
        }
        foreach (var (id, user, lve, wanted, applied, inSync) in entries)
        {
            string state = lve == null ? "not configured (the defaults apply)" : "configured";
            state += applied == null ? ", does not exist (lvectl apply " + LveId.Text(id) + " makes it)"
                : inSync ? ", applied" : ", differs from the kernel (lvectl apply " + LveId.Text(id) + " fixes it)";
            s.Out.WriteLine("LVE " + LveId.Text(id) + (user != null ? " (" + user + ")" : "") + ": " + state);
            var table = new Table(("  LIMIT", false), ("CONFIGURED", false), ("", false), ("APPLIED", false), ("", false));
            foreach (LveLimit limit in LveLimit.All)
            {
                string applies = applied == null ? "-" : limit.Format(applied.Limits[limit]!.Value);
                string note = applied == null ? "" : applied.Unenforced.Contains(limit) ? "not enforced on this host"
                    : applied.Limits[limit] != wanted[limit] ? "differs" : "";
                table.Add("  " + limit.Name, limit.Format(wanted[limit]!.Value),
                    lve != null && lve.Limits.Has(limit) ? "" : "(default)", applies, note);
            }
            table.Write(s.Out);
        }
    }

    /// <summary>default (no limits): the defaults, configured and as the tree has them.</summary>
    public static void Defaults(Session s)
    {
        ConfigDocument doc = ConfigFile.Read(s.ConfigPath).Document;
        LveLimits applied = s.Lve.GetDefaults();
        var table = new Table(("LIMIT", false), ("CONFIGURED", false), ("", false), ("APPLIED", false), ("", false));
        foreach (LveLimit limit in LveLimit.All)
            table.Add(limit.Name, limit.Format(doc.EffectiveDefaults[limit]!.Value), doc.Defaults.Has(limit) ? "" : "(built-in)",
                limit.Format(applied[limit]!.Value), applied[limit] != doc.EffectiveDefaults[limit] ? "differs (lvectl apply --all)" : "");
        table.Write(s.Out);
    }

    /// <summary>list [--json]: every LVE that exists now, its limits, a summary of its usage, configured or not.</summary>
    public static void List(Session s, bool json)
    {
        ConfigDocument doc = ConfigFile.Read(s.ConfigPath).Document;
        List<UsageRow> rows = UsageSampler.Sample(s, doc, null, null, withConfigured: true, reportMissing: false);
        if (json)
        {
            WriteJson(s, rows);
            return;
        }
        LveLimit speed = LveLimit.Named("speed"), pmem = LveLimit.Named("pmem"), nproc = LveLimit.Named("nproc"), ep = LveLimit.Named("ep");
        var table = new Table(("ID", true), ("USER", false), ("CONF", false), ("SPEED", true), ("PMEM", true), ("NPROC", true),
            ("EP", true), ("MEM", true), ("PROCS", true), ("ENTRIES", true), ("FAULTS", true));
        foreach (UsageRow r in rows)
            table.Add(LveId.Text(r.Id), User(r.User), r.Configured == true ? "yes" : "no",
                speed.FormatShort(r.Limits[speed]!.Value), pmem.FormatShort(r.Limits[pmem]!.Value),
                nproc.FormatShort(r.Limits[nproc]!.Value), ep.FormatShort(r.Limits[ep]!.Value),
                Size(r.Now.Pmem), Count(r.Now.Nproc), Count(r.Now.Ep), Count(r.FaultsTotal));
        table.Write(s.Out);
    }

    /// <summary>usage [ID...] [--json] [--interval SECONDS].</summary>
    public static void Usage(Session s, IReadOnlyList<uint> ids, bool json, double? interval)
    {
        ConfigDocument doc = ConfigFile.Read(s.ConfigPath).Document;
        List<UsageRow> rows = UsageSampler.Sample(s, doc, ids.Count > 0 ? ids : null, interval, withConfigured: false,
            reportMissing: ids.Count > 0);
        if (json)
        {
            WriteJson(s, rows);
            return;
        }
        var table = new Table(("ID", true), ("USER", false), ("CPU%", true), ("CPU-S", true), ("MEM", true), ("PEAK", true),
            ("PROCS", true), ("EP", true), ("READ/s", true), ("WRITE/s", true), ("IOPS", true), ("FAULTS", false));
        foreach (UsageRow r in rows)
            table.Add(LveId.Text(r.Id), User(r.User), Percent(r.CpuPercent), Seconds(r.CpuSeconds), Size(r.Now.Pmem),
                Size(r.Now.PmemPeak), Count(r.Now.Nproc), Count(r.Now.Ep), Size(r.IoReadBps), Size(r.IoWriteBps), Count(r.Iops),
                FaultText(r.Faults()));
        table.Write(s.Out);
    }

    public static void WriteJson(Session s, IEnumerable<UsageRow> rows) => Json(s, w =>
    {
        w.WriteStartArray();
        foreach (UsageRow row in rows)
            row.WriteJson(w);
        w.WriteEndArray();
    });

    /// <summary>One JSON document on stdout, and a newline after it.</summary>
    public static void Json(Session s, System.Action<Utf8JsonWriter> body)
    {
        s.Out.Flush();
        using (var w = new Utf8JsonWriter(s.OutStream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(w);
            w.Flush();
        }
        s.OutStream.WriteByte((byte)'\n');
        s.OutStream.Flush();
    }

    /// <summary>"pmem=3 oom=1", the kinds that counted; "-" for none.</summary>
    public static string FaultText(IEnumerable<(string Key, ulong? Value)> faults)
    {
        string text = string.Join(' ', faults.Where(f => f.Value is > 0).Select(f => f.Key + "=" + Count(f.Value)));
        return text.Length == 0 ? "-" : text;
    }

    public static string User(string? user) => user == null ? "-" : user.Length > 10 ? user[..9] + "+" : user;

    public static string Size(ulong? bytes) => bytes is ulong b ? LveLimit.ShortSize(b) : "-";

    public static string Count(ulong? n) => n is ulong v ? v.ToString(CultureInfo.InvariantCulture) : "-";

    public static string Percent(double? p) => p is double v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    public static string Seconds(double? p) => p is double v ? v.ToString(v >= 1000 ? "0" : "0.0", CultureInfo.InvariantCulture) : "-";
}
