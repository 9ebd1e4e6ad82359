// SPDX-License-Identifier: MIT
using System.Runtime.InteropServices;

/// <summary>
/// floor-aot ID PROGRAM [ARG...]: enter LVE ID as lverun does (the calling
/// thread), drop to the caller's own ids and groups (setgroups, setresgid,
/// setresuid, checked with getresuid and getresgid), execv.  floor-aot
/// empty: exit at once, the runtime's start-up alone.  A floor to measure
/// lverun against (bench/lverun-bench), never a tool: no policy, no
/// configuration, no leave on failure.
/// </summary>
internal static unsafe partial class Floor
{
    private static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "empty")
            return 0;
        if (args.Length < 2)
            return 2;
        uint id = uint.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        uint uid = getuid(), gid = getgid();
        uint* groups = stackalloc uint[65536];
        int n = getgroups(65536, groups);
        if (n < 0)
            return 125;

        int size = lve_instance_init(null);
        void* lve = NativeMemory.AllocZeroed((nuint)size);
        uint cookie;
        if (lve_instance_init(lve) < 0 || lve_enter_thread(lve, id, &cookie) < 0)
            return 125;
        if (setgroups((nuint)n, groups) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
            return 125;
        uint r, e, s, rg, eg, sg;
        if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 || r != uid || e != uid || s != uid ||
            rg != gid || eg != gid || sg != gid)
            return 125;

        // argv from the arguments: args[1] is the program.
        byte** argv = (byte**)NativeMemory.AllocZeroed((nuint)args.Length, (nuint)sizeof(byte*));
        for (int i = 1; i < args.Length; i++)
            argv[i - 1] = (byte*)Marshal.StringToCoTaskMemUTF8(args[i]);
        execv(argv[0], argv);
        return 126;
    }

    [LibraryImport("liblve")]
    private static partial int lve_instance_init(void* lve);

    [LibraryImport("liblve")]
    private static partial int lve_enter_thread(void* lve, uint id, uint* cookie);

    [LibraryImport("libc")]
    private static partial uint getuid();

    [LibraryImport("libc")]
    private static partial uint getgid();

    [LibraryImport("libc")]
    private static partial int getgroups(int size, uint* list);

    [LibraryImport("libc")]
    private static partial int setgroups(nuint size, uint* list);

    [LibraryImport("libc")]
    private static partial int setresgid(uint r, uint e, uint s);

    [LibraryImport("libc")]
    private static partial int setresuid(uint r, uint e, uint s);

    [LibraryImport("libc")]
    private static partial int getresuid(uint* r, uint* e, uint* s);

    [LibraryImport("libc")]
    private static partial int getresgid(uint* r, uint* e, uint* s);

    [LibraryImport("libc")]
    private static partial int execv(byte* path, byte** argv);
}
