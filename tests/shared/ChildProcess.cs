// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;

namespace Lve.TestSupport;

/// <summary>The outcome of a run: exit status (128+n for signal n), output, pid.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, int Pid = 0)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() =>
        "exit " + ExitCode.ToString(CultureInfo.InvariantCulture) + "\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr;
}

/// <summary>
/// Runs a program the way every test lane does (tests/managed and
/// tests/setuid compile this one file): exact arguments, no shell, stdin
/// closed, both outputs collected, killed with its children if it outlives
/// the timeout.
/// </summary>
public static class ChildProcess
{
    /// <summary>
    /// <paramref name="file"/> with <paramref name="args"/>; the test's
    /// environment, with each of <paramref name="environment"/>'s entries set
    /// (or removed, when null); <paramref name="started"/> gets the pid.
    /// </summary>
    public static ProcessResult Run(string file, IEnumerable<string> args, IDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null, Action<int>? started = null)
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value == null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + file);
        process.StandardInput.Close();
        started?.Invoke(process.Id);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(file + " " + string.Join(' ', args.Select(a => "'" + a + "'")) + " did not finish");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result, process.Id);
    }
}
