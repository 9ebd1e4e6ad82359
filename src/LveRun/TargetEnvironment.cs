using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Lve.Interop;

namespace LveRun;

/// <summary>
/// The environment the command gets, built explicitly and passed to execve.
/// It starts from the caller's environment (as recorded before the runtime
/// started, in the caller's order).  With --user, HOME, USER and LOGNAME
/// come from the target's passwd entry instead of the caller's.
/// </summary>
public sealed class TargetEnvironment
{
    private readonly List<byte[]> entries;

    private TargetEnvironment(List<byte[]> entries) => this.entries = entries;

    /// <summary>The entries, each "NAME=value" without a terminating NUL.</summary>
    public IReadOnlyList<byte[]> Entries => entries;

    public static TargetEnvironment Build(IEnumerable<byte[]> caller, TargetIdentity target)
    {
        var entries = new List<byte[]>(caller);
        if (target.Passwd is { } passwd)
        {
            entries.RemoveAll(e => IsNamed(e, "HOME") || IsNamed(e, "USER") || IsNamed(e, "LOGNAME"));
            entries.Add(Entry("HOME", passwd.Dir));
            entries.Add(Entry("USER", passwd.Name));
            entries.Add(Entry("LOGNAME", passwd.Name));
        }
        return new TargetEnvironment(entries);
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
