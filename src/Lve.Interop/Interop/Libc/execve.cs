using System.Runtime.InteropServices;

namespace Lve.Interop;

internal static unsafe partial class Libc
{
    // int execve(const char *pathname, char *const argv[], char *const envp[]);
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int execve(byte* pathname, byte** argv, byte** envp);

    /// <summary>
    /// Replace the process image.  Returns only on failure, with the errno.
    /// </summary>
    internal static int Execve(byte* pathname, byte** argv, byte** envp)
    {
        execve(pathname, argv, envp);
        return Marshal.GetLastPInvokeError();
    }
}
