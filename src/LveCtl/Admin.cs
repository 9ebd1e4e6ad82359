// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// The commands that change things: set, set-user, default, unset (the
/// configuration first, then the kernel), apply (the kernel from the
/// configuration) and destroy (the kernel only).
/// </summary>
public static class Admin
{
    /// <summary>set ID / set-user USER: write the LVE's limits, then apply all of its limits.</summary>
    public static void Set(Session s, uint id, string? user, LveLimits limits)
    {
        using ConfigFile file = ConfigFile.OpenForChange(s.ConfigPath);
        ConfigDocument doc = file.Document.WithLve(id, user, limits);
        WarnTraps(s, "LVE " + LveId.Text(id), doc.Effective(id));
        file.Write(doc);
        ApplyOne(s, id, doc.Effective(id));
        s.ReportUnenforced();
    }

    /// <summary>set-user: the LVE whose id is the user's uid.</summary>
    public static uint UidOf(string user)
    {
        uint? uid = Accounts.IsValidName(user) ? Accounts.Uid(user) : null;
        if (uid == null)
            throw new CtlFailure(ExitCode.Usage, "set-user", "no user '" + user + "'");
        if (uid == 0 || uid > IdNumber.Max)
            throw new CtlFailure(ExitCode.Usage, "set-user", "user '" + user + "' has uid " +
                uid.Value.ToString(CultureInfo.InvariantCulture) + ", which is no LVE id (1.." + LveId.Text(IdNumber.Max) + ")");
        return uid.Value;
    }

    /// <summary>
    /// default LIMITS: write [default], make them the tree's defaults (for
    /// LVEs made from now on, by lverun too), and give them to every LVE
    /// that exists and has none of its own for those limits.
    /// </summary>
    public static void Default(Session s, LveLimits limits)
    {
        using ConfigFile file = ConfigFile.OpenForChange(s.ConfigPath);
        ConfigDocument doc = file.Document.WithDefaults(limits);
        WarnTraps(s, "default", doc.EffectiveDefaults);
        file.Write(doc);
        s.Lve.SetDefaults(doc.EffectiveDefaults);
        foreach (uint id in s.Lve.List())
        {
            LveLimits own = doc.Find(id)?.Limits ?? LveLimits.None;
            LveLimits change = LveLimits.None;
            foreach ((LveLimit limit, ulong value) in limits.Set())
                if (!own.Has(limit))
                    change = change.With(limit, value);
            if (change.Mask != 0)
                ApplyOne(s, id, change, createMissing: false);
        }
        s.ReportUnenforced();
    }

    /// <summary>unset ID [LIMIT...]: drop them from the configuration; the LVE gets the defaults for them now.</summary>
    public static void Unset(Session s, uint id, IReadOnlyCollection<LveLimit> names)
    {
        using ConfigFile file = ConfigFile.OpenForChange(s.ConfigPath);
        ConfiguredLve? lve = file.Document.Find(id);
        if (lve == null)
        {
            s.Warn("unset " + LveId.Text(id), "LVE " + LveId.Text(id) + " is not configured; nothing to unset");
            return;
        }
        foreach (LveLimit limit in names.Where(l => !lve.Limits.Has(l)))
            s.Warn("unset " + LveId.Text(id), "LVE " + LveId.Text(id) + " has no " + limit.Name + " of its own");
        ConfigDocument doc = file.Document.WithoutLve(id, names.Count == 0 ? null : names);
        file.Write(doc);
        LveLimits wanted = doc.Effective(id), change = LveLimits.None;
        foreach ((LveLimit limit, ulong value) in wanted.Set())
            if (names.Count == 0 || names.Contains(limit))
                change = change.With(limit, value);
        ApplyOne(s, id, change, createMissing: false);
        s.ReportUnenforced();
    }

    /// <summary>
    /// apply --all: the kernel as the configuration says, whatever it was:
    /// the tree's defaults, every configured LVE (made if missing), and the
    /// defaults for every LVE that exists without being configured (lverun
    /// made it for an account nobody configured: it is limited as it would
    /// be if made now; it is never removed, processes may be inside).
    /// Idempotent: a second run writes the same values again.
    /// </summary>
    public static void ApplyAll(Session s)
    {
        // on a cgroup v2 host, in lve.service: the subtree systemd delegated first
        SystemdDelegation.BeforeApply(s);
        ConfigDocument doc = ConfigFile.Read(s.ConfigPath).Document;
        LveLimits defaults = doc.EffectiveDefaults;
        int configured = 0, others = 0;
        try
        {
            s.Lve.SetDefaults(defaults);
        }
        catch (NativeCallException e)
        {
            s.Fail("apply: the defaults", e.Message);
        }
        HashSet<uint> exists = [.. s.Lve.List()];
        foreach (ConfiguredLve lve in doc.Lves)
        {
            if (ApplyOne(s, lve.Id, defaults.Overlay(lve.Limits)))
                configured++;
            exists.Remove(lve.Id);
        }
        foreach (uint id in exists.Order())
            if (ApplyOne(s, id, defaults, createMissing: false))
                others++;
        s.ReportUnenforced();
        s.Out.WriteLine("applied the defaults and " + Count(configured, "configured LVE") +
            (others > 0 ? "; " + Count(others, "other LVE") + " given the defaults" : ""));
    }

    /// <summary>apply ID...: each as configured; an LVE that is not configured gets the defaults if it exists.</summary>
    public static void Apply(Session s, IReadOnlyList<uint> ids)
    {
        ConfigDocument doc = ConfigFile.Read(s.ConfigPath).Document;
        foreach (uint id in ids)
        {
            if (doc.Find(id) != null)
                ApplyOne(s, id, doc.Effective(id));
            else if (Exists(s, id))
                ApplyOne(s, id, doc.EffectiveDefaults, createMissing: false);
            else
                s.Warn("apply " + LveId.Text(id), "not configured and does not exist: nothing to apply");
        }
        s.ReportUnenforced();
    }

    /// <summary>destroy: remove empty LVEs; a busy one is reported and left whole (nothing is killed).</summary>
    public static void Destroy(Session s, IReadOnlyList<uint>? ids)
    {
        bool all = ids == null;
        int destroyed = 0, busy = 0;
        foreach (uint id in ids ?? s.Lve.List())
        {
            try
            {
                LveHost.Destroy(id);
                destroyed++;
            }
            catch (NativeCallException e) when (e.Errno == Errno.EBUSY)
            {
                busy++;
                s.Fail("destroy " + LveId.Text(id), "busy: processes are inside; left as it is (lvectl never kills)");
            }
            catch (NativeCallException e) when (e.Errno == Errno.ENOENT && all)
            {
                // gone meanwhile
            }
            catch (NativeCallException e)
            {
                s.Fail("destroy " + LveId.Text(id), e.Errno == Errno.ENOENT ? "no such LVE" : Errno.Describe(e.Errno));
            }
        }
        if (all)
            s.Out.WriteLine("destroyed " + Count(destroyed, "LVE") + (busy > 0 ? "; " + busy + " busy, left as they are" : ""));
    }

    /// <summary>
    /// Give LVE <paramref name="id"/> the limits <paramref name="limits"/>
    /// names (made with them, atomically, if missing and
    /// <paramref name="createMissing"/>).  False when it failed (reported)
    /// or the LVE was missing.
    /// </summary>
    public static bool ApplyOne(Session s, uint id, LveLimits limits, bool createMissing = true)
    {
        try
        {
            if (!createMissing && !Exists(s, id))
                return false;
            if (limits.Mask == 0)
                return true;
            s.NoteUnenforced(id, s.Lve.SetLimits(id, limits));
            return true;
        }
        catch (NativeCallException e)
        {
            s.Fail("apply " + LveId.Text(id), e.Message);
            return false;
        }
    }

    /// <summary>Whether LVE <paramref name="id"/> exists now.</summary>
    public static bool Exists(Session s, uint id)
    {
        try
        {
            s.Lve.GetLimits(id);
            return true;
        }
        catch (NativeCallException e) when (e.Errno == Errno.ENOENT)
        {
            return false;
        }
    }

    private static void WarnTraps(Session s, string what, LveLimits limits)
    {
        foreach (string warning in Traps.Check(limits))
            s.Warn(what, warning);
    }

    private static string Count(int n, string what) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");
}
