// SPDX-License-Identifier: MIT
using System.Globalization;

namespace Lve.Interop;

/// <summary>
/// The LVEs of this host: the functions of lve-ctl.h that need no instance.
/// Each throws <see cref="NativeCallException"/> with liblve's errno on
/// failure (see lve-ctl.h for which errno means what).
/// </summary>
public static class LveHost
{
    /// <summary>lve_is_available: can this host run LVEs?  Never fails.</summary>
    public static bool IsAvailable() => Liblve.lve_is_available() == 1;

    /// <summary>lve_set_default: the limits newly created LVEs get (cpu 0..100000, io 1..1000).</summary>
    public static void SetDefault(uint cpu, uint io) =>
        Liblve.Check(Liblve.lve_set_default(cpu, io), "lve_set_default(" + Text(cpu) + ", " + Text(io) + ")");

    /// <summary>lve_create: create LVE <paramref name="id"/> with the defaults; idempotent.</summary>
    public static void Create(uint id) =>
        Liblve.Check(Liblve.lve_create(id), "lve_create(" + Text(id) + ")");

    /// <summary>lve_destroy: remove the empty LVE <paramref name="id"/>.</summary>
    public static void Destroy(uint id) =>
        Liblve.Check(Liblve.lve_destroy(id), "lve_destroy(" + Text(id) + ")");

    /// <summary>lve_setup: change the limits of LVE <paramref name="id"/>; null leaves one unchanged.</summary>
    public static void Setup(uint id, int? cpu, int? io) =>
        Liblve.Check(Liblve.lve_setup(id, cpu ?? -1, io ?? -1),
            "lve_setup(" + Text(id) + ", " + Text(cpu ?? -1) + ", " + Text(io ?? -1) + ")");

    internal static string Text(uint value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
