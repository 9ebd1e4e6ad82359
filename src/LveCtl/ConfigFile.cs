// SPDX-License-Identifier: MIT
using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// The configuration file on disk.  lvectl uses it only when root alone can
/// have written it, as liblve and lverun do with theirs: a regular file
/// (never a symlink), owned by root, neither group- nor world-writable,
/// checked on the opened file.  It is replaced the way visudo replaces
/// sudoers: the new text is checked first, written to a temporary file in
/// the same directory, flushed to disk, renamed over the old one, and the
/// directory flushed, so a crash at any instant leaves the old file or the
/// new one, never a mix.  Writers take turns through a lock on the
/// directory, held from reading the file until the kernel has been told.
/// </summary>
public sealed class ConfigFile : IDisposable
{
    /// <summary>Larger files are refused: 10,000 LVEs take about 400 KiB.</summary>
    public const int MaxSize = 16 << 20;

    private const string TempMarker = ".lvectl-";

    private int lockFd = -1;

    private ConfigFile(string path, ConfigDocument document, bool exists, uint mode)
    {
        Path = path;
        Document = document;
        Exists = exists;
        Mode = mode;
    }

    public string Path { get; }

    /// <summary>The configuration as read (empty when there is no file).</summary>
    public ConfigDocument Document { get; private set; }

    public bool Exists { get; private set; }

    /// <summary>The permission bits the file has (kept on rewrite); 0644 for a new one.</summary>
    public uint Mode { get; private set; }

    /// <summary>Read <paramref name="path"/> to look at it; throws <see cref="CtlFailure"/> (exit 2) when it is unsafe or invalid.</summary>
    public static ConfigFile Read(string path) => Load(path, -1);

    /// <summary>
    /// Take the writers' lock, then read <paramref name="path"/>: for a
    /// change.  The lock is held until <see cref="Dispose"/>.
    /// </summary>
    public static ConfigFile OpenForChange(string path)
    {
        string directory = DirectoryOf(path);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        int fd = Libc.Open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
            throw Unusable(path, "cannot open its directory: " + Errno.Describe(-fd));
        try
        {
            CheckDirectory(path, fd);
            int error = Libc.Flock(fd, Libc.LOCK_EX);
            if (error != 0)
                throw Unusable(path, "cannot lock its directory: " + Errno.Describe(error));
            return Load(path, fd);
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    private static ConfigFile Load(string path, int lockFd)
    {
        const string rootAlone = " (lvectl and liblve use it only when root alone can write it";
        switch (RootOnlyFile.Read(path, MaxSize, out ReadOnlyMemory<byte> content, out uint mode, out string problem))
        {
            case RootOnlyFault.None:
                break;
            case RootOnlyFault.Missing:
                return new ConfigFile(path, ConfigDocument.Empty, false, 0x1a4) { lockFd = lockFd }; // 0644
            case RootOnlyFault.Link:
                throw Unusable(path, problem + " (lvectl uses only a regular file)");
            case RootOnlyFault.Owner:
                throw Unusable(path, problem + rootAlone + ")");
            case RootOnlyFault.Writable:
                throw Unusable(path, problem + rootAlone + ": chmod go-w)");
            default:
                throw Unusable(path, problem);
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content.Span);
        }
        catch (DecoderFallbackException)
        {
            throw Unusable(path, "not valid UTF-8");
        }
        try
        {
            return new ConfigFile(path, ConfigDocument.Parse(text), true, mode) { lockFd = lockFd };
        }
        catch (ConfigSyntaxException e)
        {
            throw new CtlFailure(ExitCode.Usage, path, e.Message);
        }
    }

    /// <summary>
    /// Replace the file with <paramref name="document"/> (only under the
    /// lock of <see cref="OpenForChange"/>).  Nothing is written when the
    /// text is unchanged.
    /// </summary>
    public void Write(ConfigDocument document)
    {
        if (lockFd < 0)
            throw new InvalidOperationException("the configuration is written only under its lock");
        if (Exists && document.Text == Document.Text)
            return;
        string directory = DirectoryOf(Path);
        string name = System.IO.Path.GetFileName(Path);
        RemoveStaleTemporaries(directory, name);

        string temp = System.IO.Path.Combine(directory, "." + name + TempMarker +
            Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant());
        int fd = Libc.Open(temp, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180); // 0600
        if (fd < 0)
            throw Unwritable("create " + temp, -fd);
        bool renamed = false;
        try
        {
            int error = Libc.WriteAllOrError(fd, Encoding.UTF8.GetBytes(document.Text));
            if (error != 0)
                throw Unwritable("write " + temp, error);
            error = Libc.Fchmod(fd, Mode & 0x1ed); // never group- or world-writable: 0755 at most
            if (error != 0)
                throw Unwritable("chmod " + temp, error);
            error = Libc.Fsync(fd);
            if (error != 0)
                throw Unwritable("fsync " + temp, error);
            Libc.Close(fd);
            fd = -1;
            error = Libc.Rename(temp, Path);
            if (error != 0)
                throw Unwritable("rename " + temp, error);
            renamed = true;
            // the rename itself must reach the disk before we say it is done
            int dfd = Libc.Open(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
            if (dfd < 0)
                throw Unwritable("open " + directory, -dfd);
            error = Libc.Fsync(dfd);
            Libc.Close(dfd);
            if (error != 0)
                throw Unwritable("fsync " + directory, error);
        }
        finally
        {
            if (fd >= 0)
                Libc.Close(fd);
            if (!renamed)
                File.Delete(temp);
        }
        Document = document;
        Exists = true;
    }

    /// <summary>Temporary files a writer killed before its rename left: stale, since writers hold the lock.</summary>
    private static void RemoveStaleTemporaries(string directory, string name)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "." + name + TempMarker + "*"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The directory must be root's alone too, or someone could swap the file under us.</summary>
    private static void CheckDirectory(string path, int dirFd)
    {
        int error = Libc.FstatxOwnerMode(dirFd, out Statx st);
        if (error != 0)
            throw Unusable(path, "fstat of its directory: " + Errno.Describe(error));
        bool sticky = (st.stx_mode & 0x200) != 0;
        if (st.stx_uid != 0 || ((st.stx_mode & 0x12) != 0 && !sticky))
            throw Unusable(path, "its directory " + DirectoryOf(path) + " is writable by others than root");
    }

    private static string DirectoryOf(string path) =>
        System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/";

    private static CtlFailure Unusable(string path, string why) => new(ExitCode.Usage, path, why);

    private CtlFailure Unwritable(string what, int errno) =>
        new(ExitCode.Usage, Path, what + ": " + Errno.Describe(errno) + " (the configuration is unchanged)");

    public void Dispose()
    {
        if (lockFd >= 0)
        {
            Libc.Close(lockFd);
            lockFd = -1;
        }
    }
}
