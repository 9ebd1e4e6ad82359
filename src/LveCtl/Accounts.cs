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

    /// <summary>The name of uid <paramref name="uid"/>, or null (looked up once per uid).</summary>
    public static string? Name(uint uid)
    {
        if (names.TryGetValue(uid, out string? known))
            return known;
        string? name;
        try
        {
            name = Libc.GetPasswdByUid(uid)?.DisplayName;
        }
        catch (NativeCallException)
        {
            name = null;
        }
        names[uid] = name;
        return name;
    }

    /// <summary>The user to show for LVE <paramref name="id"/>: the configured one, else the account whose uid it is.</summary>
    public static string? UserOf(uint id, ConfigDocument config) => config.Find(id)?.User ?? Name(id);
}
