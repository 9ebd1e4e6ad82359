// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Lve.Interop;

namespace LveCtl;

/// <summary>A line of the configuration that is wrong: its number and why.</summary>
public sealed class ConfigSyntaxException(int line, string why) : Exception("line " + line.ToString(CultureInfo.InvariantCulture) + ": " + why)
{
    public int Line { get; } = line;

    public string Why { get; } = why;
}

/// <summary>One LVE the configuration names: its id, the user it was set by, its own limits.</summary>
public sealed record ConfiguredLve(uint Id, string? User, LveLimits Limits);

/// <summary>
/// The administrator's configuration (lvectl.conf(5)), as text that lvectl
/// edits in place: every line it does not change stays byte for byte, so the
/// admin's comments, blank lines, order and spacing survive a rewrite.
///
///   # comments, from a '#' at the start of a line or after a blank
///   parent = /lve              host-wide settings, before any section
///                              (liblve reads parent; nothing else is known)
///   [default]                  the limits of LVEs that have none of their own
///   pmem = 1G
///   [lve 1001]                 one LVE
///   user = alice               set by name (lvectl set-user)
///   pmem = 2G
///
/// The names of limits are those of liblve's table (LveLimit), and their
/// values the syntax of <see cref="LveLimit.Parse"/>.  Each section at most
/// once, each key at most once per section.  Parsing either gives the whole
/// configuration or the first bad line with its number.
/// </summary>
public sealed class ConfigDocument
{
    /// <summary>The one host-wide key (liblve's native/src/config.c reads it).</summary>
    public const string ParentKey = "parent";

    public const string UserKey = "user";

    private readonly List<string> lines;
    private readonly bool finalNewline;
    private readonly List<Setting> settings = [];
    private readonly List<Section> sections = [];

    private ConfigDocument(List<string> lines, bool finalNewline)
    {
        this.lines = lines;
        this.finalNewline = finalNewline;
    }

    /// <summary>A configuration with nothing in it (no file).</summary>
    public static ConfigDocument Empty { get; } = Parse("");

    /// <summary>The LVE parent the file names, or null.</summary>
    public string? Parent { get; private set; }

    /// <summary>The limits [default] sets (only those it names).</summary>
    public LveLimits Defaults { get; private set; } = LveLimits.None;

    /// <summary>The LVEs, in the order of the file.</summary>
    public IReadOnlyList<ConfiguredLve> Lves { get; private set; } = [];

    private Dictionary<uint, ConfiguredLve> byId = [];

    /// <summary>The LVE <paramref name="id"/>, or null when it is not configured.</summary>
    public ConfiguredLve? Find(uint id) => byId.GetValueOrDefault(id);

    /// <summary>The text, as it would be written.</summary>
    public string Text => string.Join('\n', lines) + (finalNewline && lines.Count > 0 ? "\n" : "");

    /// <summary>The defaults in force: liblve's built-in ones, with [default]'s on top.</summary>
    public LveLimits EffectiveDefaults
    {
        get
        {
            LveLimits all = LveLimits.None;
            foreach (LveLimit limit in LveLimit.All)
                all = all.With(limit, limit.Builtin);
            return all.Overlay(Defaults);
        }
    }

    /// <summary>Every limit of LVE <paramref name="id"/>: the defaults, with its own on top.</summary>
    public LveLimits Effective(uint id) =>
        Find(id) is { } lve ? EffectiveDefaults.Overlay(lve.Limits) : EffectiveDefaults;

    // --- parsing -------------------------------------------------------------------

    private enum SectionKind { HostWide, Default, Lve }

    private sealed record Section(SectionKind Kind, uint Id, int Header);

    /// <summary>A "key = value" line: where its value stands, to replace it alone.</summary>
    private sealed record Setting(Section Section, string Key, int Line, int ValueStart, int ValueEnd);

    /// <summary>Parse <paramref name="text"/>; throws <see cref="ConfigSyntaxException"/> for the first bad line.</summary>
    public static ConfigDocument Parse(string text)
    {
        bool final = text.EndsWith('\n');
        var list = new List<string>((final ? text[..^1] : text).Split('\n'));
        if (text.Length == 0)
            list.Clear();
        var doc = new ConfigDocument(list, final || text.Length == 0);
        doc.Analyse();
        return doc;
    }

    private void Analyse()
    {
        var hostWide = new Section(SectionKind.HostWide, 0, -1);
        Section current = hostWide;
        var seenSections = new Dictionary<string, int>();
        var seenKeys = new Dictionary<string, int>();
        var lves = new List<ConfiguredLve>();
        string? user = null;
        LveLimits limits = LveLimits.None;

        void Close()
        {
            if (current.Kind == SectionKind.Lve)
                lves.Add(new ConfiguredLve(current.Id, user, limits));
            else if (current.Kind == SectionKind.Default)
                Defaults = Defaults.Overlay(limits);
        }

        for (int i = 0; i < lines.Count; i++)
        {
            int number = i + 1;
            string line = lines[i];
            int contentEnd = CommentStart(line);
            string content = line[..contentEnd].Trim(' ', '\t', '\r');
            if (content.Length == 0)
                continue;
            if (content.Contains('\0') || content.Any(c => char.IsControl(c) && c != '\t'))
                throw new ConfigSyntaxException(number, "a control character");

            if (content[0] == '[')
            {
                if (content[^1] != ']')
                    throw new ConfigSyntaxException(number, "a section header must end with ']'");
                string name = string.Join(' ', content[1..^1].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
                Section section;
                if (name == "default")
                    section = new Section(SectionKind.Default, 0, i);
                else if (name.StartsWith("lve ", StringComparison.Ordinal))
                {
                    string id = name[4..];
                    if (!IdNumber.TryParse(id, out uint lveId))
                        throw new ConfigSyntaxException(number, "[lve " + id + "]: " + LveId.Problem(id));
                    section = new Section(SectionKind.Lve, lveId, i);
                    name = "lve " + LveId.Text(lveId);
                }
                else
                    throw new ConfigSyntaxException(number, "unknown section [" + name + "] (sections are [default] and [lve ID])");
                if (seenSections.TryGetValue(name, out int first))
                    throw new ConfigSyntaxException(number, "[" + name + "] again (first on line " + Number(first) + ")");
                seenSections[name] = number;
                Close();
                sections.Add(section);
                current = section;
                seenKeys.Clear();
                user = null;
                limits = LveLimits.None;
                continue;
            }

            int eq = content.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
                throw new ConfigSyntaxException(number, "not a 'key = value' line nor a [section]");
            string key = content[..eq].Trim(' ', '\t');
            string value = content[(eq + 1)..].Trim(' ', '\t', '\r');
            if (key.Length == 0)
                throw new ConfigSyntaxException(number, "no key before '='");
            if (seenKeys.TryGetValue(key, out int firstKey))
                throw new ConfigSyntaxException(number, key + " set again (first on line " + Number(firstKey) + ")");
            seenKeys[key] = number;
            if (value.Length == 0)
                throw new ConfigSyntaxException(number, key + ": no value");

            // where the value stands in the raw line, to replace it alone
            int valueStart = line.IndexOf('=', StringComparison.Ordinal) + 1;
            while (valueStart < contentEnd && line[valueStart] is ' ' or '\t')
                valueStart++;
            int valueEnd = contentEnd;
            while (valueEnd > valueStart && line[valueEnd - 1] is ' ' or '\t' or '\r')
                valueEnd--;
            settings.Add(new Setting(current, key, i, valueStart, valueEnd));

            if (current.Kind == SectionKind.HostWide)
            {
                if (key != ParentKey)
                    throw new ConfigSyntaxException(number, "unknown host-wide setting '" + key +
                        "' (only parent; limits belong in [default] or [lve ID])");
                if (!IsCleanAbsolutePath(value))
                    throw new ConfigSyntaxException(number, "parent '" + value + "': not an absolute cgroup path like /lve");
                Parent = value;
                continue;
            }
            if (key == UserKey)
            {
                if (current.Kind != SectionKind.Lve)
                    throw new ConfigSyntaxException(number, "user belongs in an [lve ID] section");
                if (!Accounts.IsValidName(value))
                    throw new ConfigSyntaxException(number, "user '" + value + "': not a user name");
                user = value;
                continue;
            }
            LveLimit? limit = LveLimit.Find(key);
            if (limit == null)
                throw new ConfigSyntaxException(number, "unknown limit '" + key + "' (limits: " +
                    string.Join(", ", LveLimit.All.Select(l => l.Name)) + (current.Kind == SectionKind.Lve ? "; and user" : "") + ")");
            if (!limit.TryParse(value, out ulong v, out string? error))
                throw new ConfigSyntaxException(number, error!);
            limits = limits.With(limit, v);
        }
        Close();
        Lves = lves;
        byId = lves.ToDictionary(l => l.Id);
    }

    /// <summary>Where a comment starts: a '#' at the start or after a blank (as liblve reads it), else the length.</summary>
    private static int CommentStart(string line)
    {
        for (int i = 0; i < line.Length; i++)
            if (line[i] == '#' && (i == 0 || line[i - 1] is ' ' or '\t'))
                return i;
        return line.Length;
    }

    /// <summary>liblve's rule for the parent (lve_parent_check), absolute.</summary>
    public static bool IsCleanAbsolutePath(string path)
    {
        if (path.Length < 2 || path[0] != '/' || path.Length >= 1024)
            return false;
        foreach (string part in path[1..].Split('/'))
        {
            if (part.Length is 0 or > 255 || part is "." or "..")
                return false;
            if (part.Any(c => c < 0x20 || c == 0x7f))
                return false;
        }
        return true;
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    // --- editing -------------------------------------------------------------------

    /// <summary>
    /// LVE <paramref name="id"/> with <paramref name="set"/>'s limits written
    /// (the others it has stay), and its user set when <paramref name="user"/>
    /// is not null.  A new LVE goes at the end.
    /// </summary>
    public ConfigDocument WithLve(uint id, string? user, LveLimits set)
    {
        var edit = new List<string>(lines);
        Section? section = sections.FirstOrDefault(s => s.Kind == SectionKind.Lve && s.Id == id);
        if (section == null)
        {
            if (edit.Count > 0 && edit[^1].Trim().Length > 0)
                edit.Add("");
            edit.Add("[lve " + LveId.Text(id) + "]");
            if (user != null)
                edit.Add(UserKey + " = " + user);
            foreach ((LveLimit limit, ulong value) in set.Set())
                edit.Add(limit.Name + " = " + limit.Format(value));
            return Reparse(edit);
        }
        var values = new List<(string Key, string Value)>();
        if (user != null)
            values.Add((UserKey, user));
        foreach ((LveLimit limit, ulong value) in set.Set())
            values.Add((limit.Name, limit.Format(value)));
        WriteInto(edit, section, values);
        return Reparse(edit);
    }

    /// <summary>[default] with <paramref name="set"/>'s limits written; made before the first [lve] if missing.</summary>
    public ConfigDocument WithDefaults(LveLimits set)
    {
        var edit = new List<string>(lines);
        var values = set.Set().Select(s => (s.Limit.Name, s.Limit.Format(s.Value))).ToList();
        Section? section = sections.FirstOrDefault(s => s.Kind == SectionKind.Default);
        if (section != null)
        {
            WriteInto(edit, section, values);
            return Reparse(edit);
        }
        var block = new List<string> { "[default]" };
        block.AddRange(values.Select(v => v.Item1 + " = " + v.Item2));
        Section? firstLve = sections.FirstOrDefault(s => s.Kind == SectionKind.Lve);
        if (firstLve == null)
        {
            if (edit.Count > 0 && edit[^1].Trim().Length > 0)
                edit.Add("");
            edit.AddRange(block);
        }
        else
        {
            // before the first LVE, and before the comment lines that lead into it
            int at = firstLve.Header;
            while (at > 0 && IsComment(edit[at - 1]))
                at--;
            block.Add("");
            edit.InsertRange(at, block);
        }
        return Reparse(edit);
    }

    /// <summary>
    /// The host-wide parent set to <paramref name="path"/>: its value
    /// replaced, or a line added after its commented-out example, else
    /// before the first section and the comments that lead into it, with
    /// <paramref name="comment"/> above it.
    /// </summary>
    public ConfigDocument WithParent(string path, string comment)
    {
        if (!IsCleanAbsolutePath(path))
            throw new ArgumentException("not a clean absolute cgroup path: " + path, nameof(path));
        var edit = new List<string>(lines);
        Setting? existing = settings.FirstOrDefault(s => s.Section.Kind == SectionKind.HostWide && s.Key == ParentKey);
        if (existing != null)
        {
            string raw = edit[existing.Line];
            edit[existing.Line] = raw[..existing.ValueStart] + path + raw[existing.ValueEnd..];
            return Reparse(edit);
        }
        int end = sections.Count > 0 ? sections[0].Header : lines.Count;
        int at = -1;
        for (int i = 0; i < end && at < 0; i++)
        {
            string t = lines[i].TrimStart(' ', '\t');
            if (t.StartsWith('#') && t[1..].TrimStart(' ', '\t') is string rest && rest.StartsWith(ParentKey, StringComparison.Ordinal) &&
                rest[ParentKey.Length..].TrimStart(' ', '\t').StartsWith('='))
                at = i + 1;
        }
        var block = new List<string> { comment, ParentKey + " = " + path };
        if (at < 0)
        {
            at = end;
            while (sections.Count > 0 && at > 0 && IsComment(edit[at - 1]))
                at--;
            if (at < edit.Count)
                block.Add("");
        }
        edit.InsertRange(at, block);
        return Reparse(edit);
    }

    /// <summary>
    /// LVE <paramref name="id"/> without the limits named (null: without its
    /// section, which removes the header and every setting of it; comments
    /// stay).  Removing what is not there changes nothing.
    /// </summary>
    public ConfigDocument WithoutLve(uint id, IReadOnlyCollection<LveLimit>? limits)
    {
        Section? section = sections.FirstOrDefault(s => s.Kind == SectionKind.Lve && s.Id == id);
        if (section == null)
            return this;
        var drop = new HashSet<int>();
        foreach (Setting s in settings.Where(s => s.Section == section))
            if (limits == null || limits.Any(l => l.Name == s.Key))
                drop.Add(s.Line);
        if (limits == null)
            drop.Add(section.Header);
        // no blank line doubled where lines went, none left at the end
        var edit = new List<string>();
        bool droppedSince = false;
        for (int i = 0; i < lines.Count; i++)
        {
            if (drop.Contains(i))
            {
                droppedSince = true;
                continue;
            }
            bool blank = lines[i].Trim().Length == 0;
            if (blank && droppedSince && (edit.Count == 0 || edit[^1].Trim().Length == 0))
                continue;
            edit.Add(lines[i]);
            droppedSince = false;
        }
        bool endedBlank = lines.Count > 0 && lines[^1].Trim().Length == 0;
        while (edit.Count > 0 && edit[^1].Trim().Length == 0 && !endedBlank)
            edit.RemoveAt(edit.Count - 1);
        return Reparse(edit);
    }

    private static bool IsComment(string line)
    {
        string t = line.TrimStart(' ', '\t');
        return t.StartsWith('#');
    }

    /// <summary>
    /// Replace the values of keys the section has; add each other one after
    /// its commented-out example in the section ("#pmem = 1G", as the
    /// shipped file has them), else after the section's last setting.
    /// </summary>
    private void WriteInto(List<string> edit, Section section, List<(string Key, string Value)> values)
    {
        var own = settings.Where(s => s.Section == section).ToList();
        int end = sections.FirstOrDefault(s => s.Header > section.Header)?.Header ?? lines.Count;
        int afterLast = (own.Count > 0 ? own.Max(s => s.Line) : section.Header) + 1;
        var added = new List<(int At, int Order, string Line)>();
        foreach (var (key, value) in values)
        {
            Setting? existing = own.FirstOrDefault(s => s.Key == key);
            if (existing != null)
            {
                string raw = edit[existing.Line];
                edit[existing.Line] = raw[..existing.ValueStart] + value + raw[existing.ValueEnd..];
                continue;
            }
            int example = -1;
            for (int i = section.Header + 1; i < end && example < 0; i++)
            {
                string t = lines[i].TrimStart(' ', '\t');
                if (t.StartsWith('#') && t[1..].TrimStart(' ', '\t') is string rest && rest.StartsWith(key, StringComparison.Ordinal) &&
                    rest[key.Length..].TrimStart(' ', '\t').StartsWith('='))
                    example = i;
            }
            added.Add((example >= 0 ? example + 1 : afterLast, added.Count, key + " = " + value));
        }
        // from the bottom up, so that each index still means what it meant
        foreach (var (at, _, line) in added.OrderByDescending(a => a.At).ThenByDescending(a => a.Order))
            edit.Insert(at, line);
    }

    private ConfigDocument Reparse(List<string> edit)
    {
        var doc = new ConfigDocument(edit, true);
        doc.Analyse(); // what lvectl writes must read back: a failure here is lvectl's bug
        return doc;
    }
}
