// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// The environment the command gets, built explicitly and passed to execve,
/// from the caller's environment as recorded before the runtime started
/// (native/caller.c keeps the original pointers).
///
///  - A root caller keeps its environment, in its order; with --user,
///    HOME, USER and LOGNAME come from the target's passwd entry instead.
///  - Any other caller gets a whitelist (SECURITY.md rule 14), so that a
///    web server account trusted to run commands as its users cannot steer
///    them, and nobody steers lverun: PATH fixed to
///    <see cref="CommandLookup.SecurePath"/>; HOME, USER, LOGNAME from the
///    target's passwd entry; and of the caller's entries only those
///    <see cref="IsPassedOn"/> accepts, the first of each name.
/// </summary>
public sealed class TargetEnvironment
{
    private readonly List<byte[]> entries;

    private TargetEnvironment(List<byte[]> entries) => this.entries = entries;

    /// <summary>The entries, each "NAME=value" without a terminating NUL.</summary>
    public IReadOnlyList<byte[]> Entries => entries;

    /// <summary>A root caller: its own environment, HOME, USER and LOGNAME from passwd with --user.</summary>
    public static TargetEnvironment Build(IEnumerable<byte[]> caller, TargetIdentity target)
    {
        var entries = new List<byte[]>(caller);
        if (target.Passwd is { } passwd)
        {
            entries.RemoveAll(e => IsNamed(e, "HOME") || IsNamed(e, "USER") || IsNamed(e, "LOGNAME"));
            AddAccount(entries, passwd);
        }
        return new TargetEnvironment(entries);
    }

    /// <summary>
    /// Any other caller: the whitelist.  <paramref name="account"/> is the
    /// passwd entry of the user the command runs as (none: no HOME, USER,
    /// LOGNAME).
    /// </summary>
    public static TargetEnvironment Whitelisted(IEnumerable<byte[]> caller, PasswdEntry? account)
    {
        var entries = new List<byte[]> { Entry("PATH", Encoding.ASCII.GetBytes(CommandLookup.SecurePath)) };
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (byte[] entry in caller)
        {
            int eq = Array.IndexOf(entry, (byte)'=');
            if (eq <= 0)
                continue;
            string name = Encoding.ASCII.GetString(entry, 0, eq);
            if (names.Add(name) && IsPassedOn(entry))
                entries.Add(entry);
        }
        if (account is not null)
            AddAccount(entries, account);
        return new TargetEnvironment(entries);
    }

    /// <summary>
    /// The CGI/1.1 meta-variables and what Apache, mod_ssl and php-cgi add
    /// (after Apache's suexec), the locale, the terminal and the time zone.
    /// PATH, HOME, USER and LOGNAME are lverun's own.
    /// </summary>
    public static readonly IReadOnlySet<string> PassedNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "CONTEXT_DOCUMENT_ROOT", "CONTEXT_PREFIX",
        "DATE_GMT", "DATE_LOCAL", "DOCUMENT_ARGS", "DOCUMENT_NAME", "DOCUMENT_PATH_INFO", "DOCUMENT_ROOT",
        "DOCUMENT_URI", "GATEWAY_INTERFACE", "HTTPS", "LAST_MODIFIED", "PATH_INFO", "PATH_TRANSLATED",
        "QUERY_STRING", "QUERY_STRING_UNESCAPED", "REDIRECT_ERROR_NOTES", "REDIRECT_HANDLER",
        "REDIRECT_QUERY_STRING", "REDIRECT_REMOTE_USER", "REDIRECT_SCRIPT_FILENAME", "REDIRECT_STATUS",
        "REDIRECT_URL", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_PORT", "REMOTE_USER",
        "REQUEST_METHOD", "REQUEST_SCHEME", "REQUEST_URI", "SCRIPT_FILENAME", "SCRIPT_NAME", "SCRIPT_URI",
        "SCRIPT_URL", "SERVER_ADDR", "SERVER_ADMIN", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
        "SERVER_SIGNATURE", "SERVER_SOFTWARE", "UNIQUE_ID", "USER_NAME",
        "PHP_FCGI_CHILDREN", "PHP_FCGI_MAX_REQUESTS",
        "LANG", "LANGUAGE", "TERM", "COLUMNS", "LINES", "TZ",
    };

    /// <summary>Prefixes passed on: request headers, mod_ssl's variables, locale categories.</summary>
    public static readonly IReadOnlyList<string> PassedPrefixes = ["HTTP_", "SSL_", "LC_"];

    /// <summary>
    /// Whether a caller's entry reaches the command of a caller that is not
    /// root.  The name must be a plain identifier and listed (or
    /// REDIRECT_ and a listed name: Apache's internal redirects), never
    /// HTTP_PROXY (httpoxy: CGI programs take it for their proxy), nor
    /// SSL_CERT_FILE and SSL_CERT_DIR (OpenSSL's trust store).  No value
    /// may start with "()" (a bash function: Shellshock).  Locale and
    /// terminal names may not hold a '/' (no files of the caller's
    /// choosing), nor TZ a path outside /usr/share/zoneinfo or "../".
    /// </summary>
    public static bool IsPassedOn(ReadOnlySpan<byte> entry)
    {
        int eq = entry.IndexOf((byte)'=');
        if (eq <= 0)
            return false;
        ReadOnlySpan<byte> nameBytes = entry[..eq], value = entry[(eq + 1)..];
        foreach (byte b in nameBytes)
            if (!(b is >= (byte)'A' and <= (byte)'Z' || b is >= (byte)'a' and <= (byte)'z' || b is >= (byte)'0' and <= (byte)'9' || b == (byte)'_'))
                return false;
        if (nameBytes[0] is >= (byte)'0' and <= (byte)'9')
            return false;
        if (value.StartsWith("()"u8))
            return false;
        string name = Encoding.ASCII.GetString(nameBytes);
        while (name.StartsWith("REDIRECT_", StringComparison.Ordinal) && !PassedNames.Contains(name))
            name = name["REDIRECT_".Length..];
        if (name is "HTTP_PROXY" or "SSL_CERT_FILE" or "SSL_CERT_DIR")
            return false;
        bool listed = PassedNames.Contains(name);
        foreach (string prefix in PassedPrefixes)
            listed |= name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal);
        if (!listed)
            return false;
        if (name is "LANG" or "LANGUAGE" or "TERM" || name.StartsWith("LC_", StringComparison.Ordinal))
            return value.IndexOf((byte)'/') < 0;
        if (name == "TZ")
        {
            ReadOnlySpan<byte> zone = value.StartsWith(":"u8) ? value[1..] : value;
            return zone.IndexOf("../"u8) < 0 && (zone.IsEmpty || zone[0] != (byte)'/' || zone.StartsWith("/usr/share/zoneinfo/"u8));
        }
        return true;
    }

    private static void AddAccount(List<byte[]> entries, PasswdEntry passwd)
    {
        entries.Add(Entry("HOME", passwd.Dir));
        entries.Add(Entry("USER", passwd.Name));
        entries.Add(Entry("LOGNAME", passwd.Name));
    }

    /// <summary>The value of the first entry named <paramref name="name"/>, if any.</summary>
    public byte[]? Get(string name)
    {
        foreach (byte[] e in entries)
            if (IsNamed(e, name))
                return e[(name.Length + 1)..];
        return null;
    }

    private static bool IsNamed(byte[] entry, string name) =>
        entry.Length > name.Length && entry[name.Length] == (byte)'=' &&
        entry.AsSpan(0, name.Length).SequenceEqual(Encoding.ASCII.GetBytes(name));

    private static byte[] Entry(string name, byte[] value)
    {
        byte[] entry = new byte[name.Length + 1 + value.Length];
        Encoding.ASCII.GetBytes(name, entry);
        entry[name.Length] = (byte)'=';
        value.CopyTo(entry, name.Length + 1);
        return entry;
    }

    /// <summary>
    /// The envp array for execve: one native block holding the pointers, a
    /// NULL, then the NUL-terminated strings.  Never freed: it is needed up
    /// to execve, and if execve fails lverun exits.
    /// </summary>
    internal unsafe byte** ToNative()
    {
        nuint pointers = (nuint)(entries.Count + 1) * (nuint)sizeof(byte*);
        nuint size = pointers;
        foreach (byte[] e in entries)
            size += (nuint)e.Length + 1;
        byte* block = (byte*)NativeMemory.Alloc(size);
        byte** envp = (byte**)block;
        byte* text = block + pointers;
        for (int i = 0; i < entries.Count; i++)
        {
            envp[i] = text;
            entries[i].CopyTo(new Span<byte>(text, entries[i].Length));
            text[entries[i].Length] = 0;
            text += entries[i].Length + 1;
        }
        envp[entries.Count] = null;
        return envp;
    }
}
