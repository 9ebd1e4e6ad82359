using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// lverun's configuration, /etc/lverun.conf (the path is built in:
/// <see cref="BuildInfo.ConfigPath"/>).  <c>key = value</c> lines; from a
/// <c>#</c> to the end of a line is a comment; blank lines are ignored.
///
///   min_uid = 1000                  the least uid an ordinary caller, or the
///                                   target of a trusted caller, may have
///   trusted_callers = www-data, 33  accounts (names or uids) that may run
///                                   commands as other users (web servers)
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

    /// <summary>A longer file is refused: no real configuration comes near it.</summary>
    public const int MaxSize = 64 * 1024;

    public static Configuration Defaults { get; } = new(DefaultMinUid, Array.Empty<uint>(), null);

    public bool IsTrusted(uint uid) => ((IList<uint>)TrustedCallers).Contains(uid);

    /// <summary>
    /// Read <paramref name="path"/>.  It is opened O_NOFOLLOW (a symlink is
    /// refused), then checked on the open file (fstat, no race): a regular
    /// file, owned by root, neither group- nor world-writable.
    /// </summary>
    public static ConfigurationFile Load(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NONBLOCK | Libc.O_NOCTTY);
        if (fd == -Errno.ENOENT)
            return new ConfigurationFile(path, Defaults, null);
        if (fd < 0)
            return Invalid(path, fd == -Errno.ELOOP ? "a symbolic link" : Errno.Describe(-fd));
        try
        {
            int error = Libc.FstatxOwnerMode(fd, out Statx st);
            if (error != 0)
                return Invalid(path, "fstat: " + Errno.Describe(error));
            if (!st.IsRegularFile)
                return Invalid(path, "not a regular file");
            if (st.stx_uid != 0)
                return Invalid(path, "owned by uid " + Text(st.stx_uid) + ", not root");
            if ((st.stx_mode & 0x10) != 0) // 020
                return Invalid(path, "group-writable");
            if ((st.stx_mode & 0x2) != 0) // 002
                return Invalid(path, "world-writable");

            byte[] buffer = new byte[MaxSize + 1];
            int n = Libc.ReadFully(fd, buffer);
            if (n < 0)
                return Invalid(path, "read: " + Errno.Describe(-n));
            if (n > MaxSize)
                return Invalid(path, "larger than " + Text(MaxSize) + " bytes");
            var (configuration, problem) = Parse(buffer.AsSpan(0, n), ResolveUser);
            return new ConfigurationFile(path, configuration ?? Defaults, problem);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    private static ConfigurationFile Invalid(string path, string problem) => new(path, Defaults, problem);

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
    /// looks up a user name (getpwnam_r), null when there is none.
    /// </summary>
    public static (Configuration? Configuration, string? Problem) Parse(ReadOnlySpan<byte> text, Func<string, uint?> resolveUser)
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

        uint minUid = DefaultMinUid;
        var trusted = new List<uint>();
        int? umask = null;
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
            if (key is not ("min_uid" or "trusted_callers" or "umask"))
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
        return (new Configuration(minUid, trusted, umask), null);
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
