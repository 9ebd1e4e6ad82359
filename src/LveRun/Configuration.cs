// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>A group as the configuration names it: its gid, and the name to show.</summary>
public sealed record GroupRef(uint Gid, string Name);

/// <summary>
/// lverun's configuration, /etc/lverun.conf (the path is built in:
/// <see cref="BuildInfo.ConfigPath"/>).  <c>key = value</c> lines; from a
/// <c>#</c> to the end of a line is a comment; blank lines are ignored.
///
///   min_uid = 1000                  the least uid an ordinary caller, or the
///                                   target of a trusted caller, may have
///   max_uid = 60000                 the greatest uid a trusted caller's
///                                   target may have
///   trusted_callers = www-data, 33  accounts (names or uids) that may run
///                                   commands as other users (web servers)
///   denied_groups = sudo, adm, 27   groups (names or gids) a trusted
///                                   caller's target may not be in; replaces
///                                   <see cref="DefaultDeniedGroups"/>
///   target_group = hosting          if set, a trusted caller's target must
///                                   be a member of this group
///   umask = 027                     the command's umask (octal); without it
///                                   the caller's is kept
///
/// Each key at most once.  An unknown key, a bad value, or a file that is
/// not safe to trust makes the whole file invalid: callers other than root
/// are refused until it is fixed (fail closed), root is told why and runs
/// with the defaults.  No file: the defaults.
/// </summary>
public sealed record Configuration(uint MinUid, IReadOnlyList<uint> TrustedCallers, int? Umask)
{
    public const uint DefaultMinUid = 1000;

    /// <summary>As login.defs' UID_MAX: above it lie system and overflow accounts (nobody is 65534).</summary>
    public const uint DefaultMaxUid = 60000;

    /// <summary>
    /// Groups whose members can become root or read what only root may
    /// (Debian's base-passwd documentation of each static group, and what
    /// RHEL, Ubuntu and container and VM tools add): root, sudo and wheel
    /// (and Ubuntu's old admin) give sudo; adm and systemd-journal read
    /// every log; shadow reads /etc/shadow; disk and kmem read and write raw
    /// disks and kernel memory; tty writes to every terminal; staff writes
    /// /usr/local, which root's PATH searches first; docker, lxd, libvirt
    /// and kvm run containers or VMs as root; input reads every keyboard.
    /// A name the host does not have is skipped.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultDeniedGroups =
    [
        "root", "sudo", "wheel", "admin", "adm", "systemd-journal", "shadow", "disk", "kmem", "tty", "staff",
        "docker", "lxd", "libvirt", "kvm", "input",
    ];

    /// <summary>The greatest uid a trusted caller's target may have.</summary>
    public uint MaxUid { get; init; } = DefaultMaxUid;

    /// <summary>The groups (gid 0 is refused besides, always) a trusted caller's target may not be in.</summary>
    public IReadOnlyList<GroupRef> DeniedGroups { get; init; } = [];

    /// <summary>If set, a trusted caller's target must be a member.</summary>
    public GroupRef? TargetGroup { get; init; }

    /// <summary>A longer file is refused: no real configuration comes near it.</summary>
    public const int MaxSize = 64 * 1024;

    /// <summary>The defaults, with <see cref="DefaultDeniedGroups"/> looked up in the account database.</summary>
    public static Configuration Defaults => defaults ??= WithDefaultGroups(ResolveGroup);

    private static Configuration? defaults;

    /// <summary>The defaults, looking the denied groups up with <paramref name="resolveGroup"/>.</summary>
    public static Configuration WithDefaultGroups(Func<string, uint?> resolveGroup) =>
        new(DefaultMinUid, Array.Empty<uint>(), null) { DeniedGroups = Known(DefaultDeniedGroups, resolveGroup) };

    /// <summary>
    /// The groups of <paramref name="names"/> the host has, looked up when
    /// first used: only a trusted caller's target is checked against them,
    /// and each lookup of a name the files lack goes through every NSS
    /// source (nss-systemd's userdb directories and sockets, hundreds of
    /// system calls for the default list), which root and ordinary callers
    /// need not pay at every start.
    /// </summary>
    private static IReadOnlyList<GroupRef> Known(IEnumerable<string> names, Func<string, uint?> resolveGroup) =>
        new ResolvedOnUse(() => names.Select(n => resolveGroup(n) is { } gid ? new GroupRef(gid, n) : null).OfType<GroupRef>().ToArray());

    private sealed class ResolvedOnUse(Func<GroupRef[]> resolve) : IReadOnlyList<GroupRef>
    {
        private readonly Lazy<GroupRef[]> groups = new(resolve);

        public GroupRef this[int index] => groups.Value[index];

        public int Count => groups.Value.Length;

        public IEnumerator<GroupRef> GetEnumerator() => ((IEnumerable<GroupRef>)groups.Value).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public bool IsTrusted(uint uid) => ((IList<uint>)TrustedCallers).Contains(uid);

    /// <summary>
    /// Read <paramref name="path"/> as <see cref="RootOnlyFile"/> does: no
    /// symlink, a regular file, owned by root, neither group- nor
    /// world-writable, checked on the open file.
    /// </summary>
    public static ConfigurationFile Load(string path)
    {
        RootOnlyFault fault = RootOnlyFile.Read(path, MaxSize, out ReadOnlyMemory<byte> content, out _, out string problem);
        if (fault == RootOnlyFault.Missing)
            return new ConfigurationFile(path, Defaults, null);
        if (fault != RootOnlyFault.None)
            return Invalid(path, problem);
        var (configuration, parseProblem) = Parse(content.Span, ResolveUser, ResolveGroup);
        return new ConfigurationFile(path, configuration ?? Defaults, parseProblem);
    }

    private static ConfigurationFile Invalid(string path, string problem) => new(path, Defaults, problem);

    private static uint? ResolveGroup(string name)
    {
        try
        {
            return Libc.GetGroupByName(name)?.Gid;
        }
        catch (NativeCallException)
        {
            return null;
        }
    }

    private static uint? ResolveUser(string name)
    {
        try
        {
            return Libc.GetPasswdByName(name)?.Uid;
        }
        catch (NativeCallException)
        {
            return null;
        }
    }

    /// <summary>
    /// The configuration in <paramref name="text"/>, or null and the first
    /// problem ("line 3: unknown key 'x'").  <paramref name="resolveUser"/>
    /// and <paramref name="resolveGroup"/> look up a user or group name
    /// (getpwnam_r, getgrnam_r), null when there is none.
    /// </summary>
    public static (Configuration? Configuration, string? Problem) Parse(ReadOnlySpan<byte> text, Func<string, uint?> resolveUser,
        Func<string, uint?> resolveGroup)
    {
        string content;
        try
        {
            content = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(text);
        }
        catch (DecoderFallbackException)
        {
            return (null, "not valid UTF-8");
        }
        if (content.Contains('\0'))
            return (null, "contains a NUL byte");

        uint minUid = DefaultMinUid, maxUid = DefaultMaxUid;
        var trusted = new List<uint>();
        int? umask = null;
        IReadOnlyList<GroupRef>? denied = null;
        GroupRef? targetGroup = null;
        var seen = new Dictionary<string, int>();
        string[] lines = content.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string where = "line " + Text(i + 1) + ": ";
            string line = lines[i];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
                line = line[..hash];
            line = line.Trim(' ', '\t', '\r');
            if (line.Length == 0)
                continue;
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
                return (null, where + "not a 'key = value' line");
            string key = line[..eq].Trim(' ', '\t');
            string value = line[(eq + 1)..].Trim(' ', '\t');
            if (key is not ("min_uid" or "max_uid" or "trusted_callers" or "denied_groups" or "target_group" or "umask"))
                return (null, where + "unknown key '" + key + "'");
            if (seen.TryGetValue(key, out int first))
                return (null, where + key + " set again (first on line " + Text(first) + ")");
            seen[key] = i + 1;

            switch (key)
            {
                case "min_uid":
                    if (!IdNumber.TryParse(value, out minUid))
                        return (null, where + "min_uid '" + value + "': not a number from 1 to " + Text(IdNumber.Max));
                    break;
                case "max_uid":
                    if (!IdNumber.TryParse(value, out maxUid))
                        return (null, where + "max_uid '" + value + "': not a number from 1 to " + Text(IdNumber.Max));
                    break;
                case "denied_groups":
                    var groups = new List<GroupRef>();
                    foreach (string item in value.Length == 0 ? [] : value.Split(','))
                    {
                        string name = item.Trim(' ', '\t');
                        if (name.Length == 0)
                            return (null, where + "denied_groups: an empty name");
                        if (IdNumber.LooksNumeric(name))
                        {
                            if (!IdNumber.TryParse(name, out uint gid))
                                return (null, where + "denied_groups: '" + name + "': not a gid from 1 to " + Text(IdNumber.Max));
                            groups.Add(new GroupRef(gid, name));
                        }
                        else if (resolveGroup(name) is { } gid)
                        {
                            // a group the host does not have grants nothing: skipped
                            groups.Add(new GroupRef(gid, name));
                        }
                    }
                    denied = groups;
                    break;
                case "target_group":
                    uint? target = IdNumber.LooksNumeric(value)
                        ? (IdNumber.TryParse(value, out uint g) ? g : null)
                        : value.Length == 0 ? null : resolveGroup(value);
                    if (target is null)
                        return (null, where + "target_group '" + value + "': no such group");
                    targetGroup = new GroupRef(target.Value, value);
                    break;
                case "trusted_callers":
                    if (value.Length == 0)
                        break;
                    foreach (string item in value.Split(','))
                    {
                        string name = item.Trim(' ', '\t');
                        uint uid;
                        if (name.Length == 0)
                            return (null, where + "trusted_callers: an empty name");
                        if (IdNumber.LooksNumeric(name))
                        {
                            if (!IdNumber.TryParse(name, out uid))
                                return (null, where + "trusted_callers: '" + name + "': not a uid from 1 to " + Text(IdNumber.Max));
                        }
                        else
                        {
                            uint? found = resolveUser(name);
                            if (found is null)
                                return (null, where + "trusted_callers: '" + name + "': no such user");
                            uid = found.Value;
                        }
                        if (uid == 0)
                            return (null, where + "trusted_callers: '" + name + "': root needs no trust");
                        trusted.Add(uid);
                    }
                    break;
                case "umask":
                    if (!TryParseUmask(value, out int mask))
                        return (null, where + "umask '" + value + "': not an octal mode from 0 to 0777");
                    umask = mask;
                    break;
            }
        }
        if (maxUid < minUid)
            return (null, seen.ContainsKey("max_uid")
                ? "max_uid " + Text(maxUid) + " is below min_uid " + Text(minUid)
                : "min_uid " + Text(minUid) + " is above the default max_uid " + Text(maxUid) + ": set max_uid too");
        return (new Configuration(minUid, trusted, umask)
        {
            MaxUid = maxUid,
            DeniedGroups = denied ?? Known(DefaultDeniedGroups, resolveGroup),
            TargetGroup = targetGroup,
        }, null);
    }

    /// <summary>1 to 4 octal digits, at most 0777.</summary>
    private static bool TryParseUmask(string text, out int mask)
    {
        mask = 0;
        if (text.Length is 0 or > 4)
            return false;
        foreach (char c in text)
        {
            if (c < '0' || c > '7')
                return false;
            mask = mask * 8 + (c - '0');
        }
        return mask <= 0x1ff;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The configuration as read from <see cref="Path"/>: what applies, and the
/// problem that made the file invalid, if any (then the defaults apply, and
/// only root may run lverun).
/// </summary>
public sealed record ConfigurationFile(string Path, Configuration Configuration, string? Problem)
{
    public bool IsValid => Problem is null;
}
