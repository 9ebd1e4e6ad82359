// SPDX-License-Identifier: MIT
using System;
using System.Text;

namespace Lve.Interop;

/// <summary>
/// A user of the account database (getpwnam_r / getpwuid_r).  Name and home
/// directory are kept as the database's bytes: they go to the command's
/// environment unchanged, whatever their encoding.
/// </summary>
public sealed record PasswdEntry(byte[] Name, uint Uid, uint Gid, byte[] Dir)
{
    /// <summary>The name for messages (invalid UTF-8 shown as U+FFFD).</summary>
    public string DisplayName => Encoding.UTF8.GetString(Name);
}

/// <summary>A group of the account database (getgrnam_r / getgrgid_r).</summary>
public sealed record GroupEntry(byte[] Name, uint Gid)
{
    public string DisplayName => Encoding.UTF8.GetString(Name);
}

/// <summary>
/// The C layouts of struct passwd and struct group (glibc, LP64: x86_64 and
/// aarch64 alike).  Blittable, so the imports pass them by pointer.
/// </summary>
internal unsafe struct Passwd
{
    public byte* pw_name;
    public byte* pw_passwd;
    public uint pw_uid;
    public uint pw_gid;
    public byte* pw_gecos;
    public byte* pw_dir;
    public byte* pw_shell;

    internal PasswdEntry ToEntry() =>
        new(CString.ToArray(pw_name), pw_uid, pw_gid, CString.ToArray(pw_dir));
}

internal unsafe struct Group
{
    public byte* gr_name;
    public byte* gr_passwd;
    public uint gr_gid;
    public byte** gr_mem;

    internal GroupEntry ToEntry() => new(CString.ToArray(gr_name), gr_gid);
}

/// <summary>NUL-terminated C strings.</summary>
internal static unsafe class CString
{
    internal static ReadOnlySpan<byte> Span(byte* text) =>
        text == null ? default : System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(text);

    internal static byte[] ToArray(byte* text) => Span(text).ToArray();

    /// <summary>The UTF-8 bytes of <paramref name="text"/> and a terminating NUL.</summary>
    internal static byte[] FromString(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}

/// <summary>
/// The buffer loop the reentrant lookups share: start at a size that fits
/// ordinary entries and double on ERANGE, up to a limit no real entry needs.
/// </summary>
internal static class LookupBuffer
{
    internal const int Initial = 1024;
    internal const int Limit = 1 << 20;
}
