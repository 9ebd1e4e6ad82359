// SPDX-License-Identifier: MIT
using System.Collections.Generic;
using System.Linq;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// The account database, as lvectl needs it: the uid of a user named by
/// set-user, and the name of an LVE's user for display (by convention an
/// LVE's id is its account's uid).
/// </summary>
public static class Accounts
{
    private static readonly Dictionary<uint, string?> names = [];

    /// <summary>Above this many LVEs, one pass over the database beats one lookup per LVE.</summary>
    private const int EnumerateAbove = 64;

    private static bool enumerated;

    /// <summary>
    /// Whether <paramref name="name"/> can be a user name in the
    /// configuration: what useradd accepts, roughly (no blank, no '#', no
    /// control character, no ':' or '/'), at most 32 characters.
    /// </summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 32 && name[0] != '-' &&
        name.All(c => c > ' ' && c < 0x7f && c is not ('#' or ':' or '/' or '\\' or ',' or '=' or '[' or ']'));

    /// <summary>The uid of user <paramref name="name"/>, or null when the database has none.</summary>
    public static uint? Uid(string name) =>
        IsValidName(name) ? Libc.GetPasswdByName(name)?.Uid : null;

    /// <summary>
    /// Get ready to name <paramref name="count"/> LVEs: for many, read the
    /// whole database once (getpwent), and name only from it.
    /// </summary>
    public static void Prepare(int count)
    {
        lock (names)
        {
            if (count <= EnumerateAbove || enumerated)
                return;
            enumerated = true;
            foreach (PasswdEntry user in Libc.AllPasswd())
                names.TryAdd(user.Uid, user.DisplayName);
        }
    }

    /// <summary>The name of uid <paramref name="uid"/>, or null (looked up once per uid).</summary>
    public static string? Name(uint uid)
    {
        lock (names)
        {
            if (names.TryGetValue(uid, out string? found))
                return found;
            if (enumerated)
                return null;
        }
        string? known;
        try
        {
            known = Libc.GetPasswdByUid(uid)?.DisplayName;
        }
        catch (NativeCallException)
        {
            known = null;
        }
        lock (names)
            names[uid] = known;
        return known;
    }

    /// <summary>The user to show for LVE <paramref name="id"/>: the configured one, else the account whose uid it is.</summary>
    public static string? UserOf(uint id, ConfigDocument config) => config.Find(id)?.User ?? Name(id);
}
