// SPDX-License-Identifier: MIT
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FluentAssertions;
using Lve.Interop;
using Lve.Tests.Support;
using Xunit;

namespace Lve.Tests;

/// <summary>
/// The entry limit (ep), through the published binary as root: a full LVE
/// refuses lverun with exit 125 and one line, or with --cgi gets a 508
/// answer on stdout and exit 0; either way nothing is entered and liblve
/// counts an ep fault.
/// </summary>
[Collection(CgroupCollection.Name)]
public sealed class EntryLimitTests(TestCgroups cgroups)
{
    private static readonly LveLimit Ep = LveLimit.Named("ep");

    private static string Id(uint id) => id.ToString(CultureInfo.InvariantCulture);

    private ProcessResult Lverun(params string[] args) => LverunProcess.Run(cgroups, args);

    /// <summary>The answer, written out here rather than taken from the code that makes it.</summary>
    private static string Answer(int retryAfter) =>
        "Status: 508 Resource Limit Is Reached\n" +
        $"Retry-After: {retryAfter}\n" +
        "Content-Type: text/html\n" +
        "\n" +
        "<!DOCTYPE html>\n" +
        "<html><head><title>508 Resource Limit Is Reached</title></head>\n" +
        "<body><h1>Resource Limit Is Reached</h1>\n" +
        $"<p>This site is serving as many requests as its plan allows. Please try again in {retryAfter} seconds.</p>\n" +
        "</body></html>\n";

    /// <summary>The pids in LVE <paramref name="id"/> (its cgroup in the cpu hierarchy).</summary>
    private string[] ProcsInLve(uint id) =>
        File.ReadAllLines(Path.Combine(TestCgroups.Directory("cpu", cgroups.LveCgroup("cpu", id)), "cgroup.procs"));

    /// <summary>
    /// An lverun that holds one entry of LVE <paramref name="id"/> until its
    /// stdin is closed: it runs a shell that says so, then reads.
    /// </summary>
    private Process Holder(uint id)
    {
        var start = new ProcessStartInfo(LverunProcess.Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { Id(id), "sh", "-c", "echo inside; read line; exit 0" })
            start.ArgumentList.Add(arg);
        start.Environment["LIBLVE_CGROUP_PARENT"] = cgroups.Parent;
        start.Environment["LC_ALL"] = "C";
        Process holder = Process.Start(start)!;
        var line = holder.StandardOutput.ReadLineAsync();
        line.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("the holder enters within 30 s");
        line.Result.Should().Be("inside", holder.HasExited ? holder.StandardError.ReadToEnd() : "");
        return holder;
    }

    private static void Release(Process holder)
    {
        holder.StandardInput.Close();
        holder.WaitForExit(30_000).Should().BeTrue();
        holder.ExitCode.Should().Be(0);
        holder.Dispose();
    }

    [BinaryFact]
    public void A_full_LVE_refuses_with_125_or_answers_508_with_cgi_and_counts_faults()
    {
        uint id = cgroups.Use(4101);
        using (var lve = new LveInstance())
            lve.SetLimits(id, LveLimits.None.With(Ep, 1));
        ulong before = Faults(id);
        string refusal = "lverun: LVE " + Id(id) + ": entry limit reached (ep 1)";

        Process holder = Holder(id);
        try
        {
            ProcsInLve(id).Should().Equal(holder.Id.ToString(CultureInfo.InvariantCulture));

            ProcessResult plain = Lverun(Id(id), "echo", "ran");
            plain.ExitCode.Should().Be(125);
            plain.Stdout.Should().BeEmpty();
            plain.StderrLines.Should().Equal(refusal);

            ProcessResult cgi = Lverun("--cgi", Id(id), "echo", "ran");
            cgi.ExitCode.Should().Be(0, cgi.Stderr);
            cgi.Stdout.Should().Be(Answer(60));
            cgi.StderrLines.Should().Equal(new[] { refusal }, "the web server's error log still gets the reason");

            ProcessResult later = Lverun("--cgi", "--retry-after", "5", Id(id), "echo", "ran");
            later.ExitCode.Should().Be(0, later.Stderr);
            later.Stdout.Should().Be(Answer(5));

            ProcsInLve(id).Should().Equal([holder.Id.ToString(CultureInfo.InvariantCulture)], "a refused lverun leaves nothing behind");
            Faults(id).Should().Be(before + 3, "each refusal is one ep fault");
        }
        finally
        {
            Release(holder);
        }

        ProcessResult again = Lverun("--cgi", Id(id), "echo", "ran");
        again.ExitCode.Should().Be(0, again.Stderr);
        again.Stdout.Should().Be("ran\n", "the entry was freed when its holder exited");
        Faults(id).Should().Be(before + 3);
    }

    private static ulong Faults(uint id)
    {
        using var lve = new LveInstance();
        return lve.Usage(id).FaultEp ?? throw new InvalidOperationException("liblve counts ep faults itself: never unavailable");
    }

    public static TheoryData<string[], int> OtherFailures => new()
    {
        { ["--cgi", "0", "true"], 125 },
        { ["--cgi", "--retry-after", "0", "4102", "true"], 125 },
        { ["--cgi", "-u", "no-such-user-lverun", "4102", "true"], 125 },
        { ["--cgi", "4102", "no-such-command-lverun"], 127 },
        { ["--cgi", "4102", "/etc/passwd"], 126 },
    };

    /// <summary>Only the entry limit is answered: every other failure keeps its status, and stdout stays empty.</summary>
    [BinaryTheory]
    [MemberData(nameof(OtherFailures))]
    public void With_cgi_other_failures_keep_their_status(string[] args, int status)
    {
        cgroups.Use(4102);
        ProcessResult r = Lverun(args);
        r.ExitCode.Should().Be(status, r.Stderr);
        r.Stdout.Should().BeEmpty();
        r.StderrLines.Should().ContainSingle().Which.Should().StartWith("lverun: ");
    }

    [BinaryFact]
    public void With_cgi_a_command_runs_as_without()
    {
        ProcessResult r = Lverun("--cgi", "--retry-after", "30", Id(cgroups.Use(4103)), "sh", "-c", "echo Status: 200; exit 3");
        r.ExitCode.Should().Be(3);
        r.Stdout.Should().Be("Status: 200\n");
        r.Stderr.Should().BeEmpty();
    }
}
