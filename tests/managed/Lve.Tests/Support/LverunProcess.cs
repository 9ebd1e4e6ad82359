using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;

namespace Lve.Tests.Support;

/// <summary>The outcome of running a program: exit status, and its output.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

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

    public static ProcessResult Start(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["LC_ALL"] = "C";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value == null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + file);
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(file + " " + string.Join(' ', args.Select(a => "'" + a + "'")) + " did not finish");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
