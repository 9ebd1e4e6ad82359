// SPDX-License-Identifier: MIT
namespace Lve.Interop;

/// <summary>
/// The names every [LibraryImport] binds to.  A NativeAOT application lists
/// each of them as a DirectPInvoke so that the call is resolved by the static
/// linker, never by probing the file system at run time.
/// </summary>
internal static class Libraries
{
    /// <summary>liblve: liblve.so beside the application (JIT), liblve.a linked in (NativeAOT).</summary>
    internal const string Liblve = "liblve";

    /// <summary>The C library.</summary>
    internal const string Libc = "libc";
}
