// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

namespace Lve.Interop;

/// <summary>
/// struct statx: one layout on every architecture (unlike struct stat), 256
/// bytes.  Only the fields lverun reads are named.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct Statx
{
    public const uint STATX_TYPE = 0x1;
    public const uint STATX_MODE = 0x2;
    public const uint STATX_UID = 0x8;
    public const ushort S_IFMT = 0xF000;
    public const ushort S_IFREG = 0x8000;
    public const ushort S_IFDIR = 0x4000;

    [FieldOffset(0)] public uint stx_mask;
    [FieldOffset(0x14)] public uint stx_uid;
    [FieldOffset(0x1c)] public ushort stx_mode;

    public readonly bool IsRegularFile => (stx_mode & S_IFMT) == S_IFREG;
    public readonly bool IsDirectory => (stx_mode & S_IFMT) == S_IFDIR;

    /// <summary>Any execute bit: what execve asks of a regular file even for root.</summary>
    public readonly bool AnyExecuteBit => (stx_mode & 0x49) != 0; // 0111
}

internal static unsafe partial class Libc
{
    internal const int AT_FDCWD = -100;
    internal const int AT_EMPTY_PATH = 0x1000;

    // int statx(int dirfd, const char *pathname, int flags, unsigned int mask,
    //           struct statx *statxbuf);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int statx(int dirfd, byte* pathname, int flags, uint mask, Statx* statxbuf);

    /// <summary>Type and mode of the file <paramref name="path"/> (NUL-terminated), following symlinks; 0 or the errno.</summary>
    internal static int StatxTypeMode(byte* path, out Statx result)
    {
        Statx buffer;
        int r = statx(AT_FDCWD, path, 0, Statx.STATX_TYPE | Statx.STATX_MODE, &buffer);
        int error = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        result = buffer;
        return error;
    }

    /// <summary>Type, mode and owner of the open file <paramref name="fd"/>, as fstat gives them; 0 or the errno.</summary>
    internal static int FstatxOwnerMode(int fd, out Statx result)
    {
        Statx buffer;
        byte empty = 0;
        int r = statx(fd, &empty, AT_EMPTY_PATH, Statx.STATX_TYPE | Statx.STATX_MODE | Statx.STATX_UID, &buffer);
        int error = r == 0 ? 0 : Marshal.GetLastPInvokeError();
        result = buffer;
        return error;
    }
}
