// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.IO;

namespace Lve.Tests.Support;

/// <summary>Runs the published lverun (or anything else) with exact arguments and environment.</summary>
public static class LverunProcess
{
    /// <summary>$(BUILD)/lverun, as make test-managed passes it.</summary>
    public static string Binary { get; } =
        Environment.GetEnvironmentVariable("LVERUN_BINARY") is { Length: > 0 } path
            ? path
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../lverun"));

    /// <summary>lverun with <paramref name="args"/>, its LVEs beneath <paramref name="cgroups"/>.</summary>
    public static ProcessResult Run(TestCgroups cgroups, params string[] args) =>
        Start(Binary, args, new Dictionary<string, string?> { ["LIBLVE_CGROUP_PARENT"] = cgroups.Parent });

    /// <summary>Any program, in the C locale unless <paramref name="environment"/> says otherwise.</summary>
    public static ProcessResult Start(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var merged = new Dictionary<string, string?> { ["LC_ALL"] = "C" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            merged[name] = value;
        return ChildProcess.Run(file, args, merged, timeout);
    }
}
