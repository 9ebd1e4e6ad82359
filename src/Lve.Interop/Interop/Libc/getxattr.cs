// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;
using System.Text;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial nint lgetxattr(byte* path, byte* name, byte* value, nuint size);

    /// <summary>The extended attribute <paramref name="name"/> of <paramref name="path"/> (not followed), or null when it has none.</summary>
    internal static string? GetXattr(string path, string name)
    {
        if (path.Contains('\0') || name.Contains('\0'))
            return null;
        byte* buffer = stackalloc byte[256];
        fixed (byte* p = CString.FromString(path))
        fixed (byte* n = CString.FromString(name))
        {
            nint size = lgetxattr(p, n, buffer, 256);
            return size < 0 ? null : Encoding.UTF8.GetString(buffer, (int)size);
        }
    }
}
