/*
 * caller.c - what the caller handed lverun, recorded before the .NET runtime
 * starts.
 *
 * glibc runs the main program's .preinit_array with (argc, argv, envp)
 * before any shared library's constructor and before the NativeAOT runtime
 * initialises.  This is the only code in lverun that runs that early, so it
 * is where the setuid hardening has to live (the runtime reads DOTNET_*
 * before Main; see SECURITY.md rule 1).  For now it only records the
 * pointers:
 *
 *   - argv: the command's arguments go to execve as these very pointers,
 *     the caller's bytes, never a round trip through UTF-16 strings;
 *   - envp: the environment the command's environment is built from.
 *
 * Linked into lverun as an object file; the managed side binds these
 * functions with DirectPInvoke ("lverun_caller").
 */
#include <stddef.h>

static int caller_argc;
static char **caller_argv;
static char **caller_envp;

static void record_caller(int argc, char **argv, char **envp)
{
	caller_argc = argc;
	caller_argv = argv;
	caller_envp = envp;
}

__attribute__((section(".preinit_array"), used))
static void (*const lverun_preinit)(int, char **, char **) = record_caller;

/* argc as the kernel passed it (0 is possible: execve with an empty argv). */
__attribute__((visibility("default"))) int lverun_caller_argc(void)
{
	return caller_argc;
}

/* argv: caller_argc pointers, then NULL. */
__attribute__((visibility("default"))) char **lverun_caller_argv(void)
{
	return caller_argv;
}

/* The environment lverun was started with, NULL-terminated. */
__attribute__((visibility("default"))) char **lverun_caller_envp(void)
{
	return caller_envp;
}
