// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using FluentAssertions;
using Lve.Ctl.Tests.Support;
using Xunit;

namespace Lve.Ctl.Tests;

/// <summary>
/// build/lvectl and build/lverun on this machine's real cgroups (v1 in CI),
/// beneath the test's own cgroups (a relative LIBLVE_CGROUP_PARENT) with a
/// temporary configuration.  The cgroup files are read here, never through
/// liblve.
/// </summary>
[Collection(LveTreeCollection.Name)]
public sealed class LvectlTests : IDisposable
{
    private readonly LveTree tree;

    public LvectlTests(LveTree tree)
    {
        Machine.RequireCgroupsAndBinaries();
        this.tree = tree;
        tree.RemoveTree();
        tree.WriteConfig("# lvectl tests\n");
    }

    public void Dispose() => tree.RemoveTree();

    private static void Ok(ProcessResult r) => r.ExitCode.Should().Be(0, r.ToString());

    private static JsonElement Json(ProcessResult r)
    {
        Ok(r);
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    private static JsonElement Lve(JsonElement array, uint id) =>
        array.EnumerateArray().Single(e => e.GetProperty("id").GetUInt32() == id);

    /// <summary>The block devices io limits go to: the lines of a throttle file.</summary>
    private string[] ThrottleLines(uint id, string file) =>
        tree.Knob("blkio", id, file).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Set_writes_the_exact_cgroup_files()
    {
        Ok(tree.Lvectl("set", "1101", "--speed", "150%", "--pmem", "1G", "--nproc", "100", "--ep", "20",
            "--io", "10M", "--iops", "1000", "--io-weight", "300"));
        tree.Knob("cpu", 1101, "cpu.cfs_period_us").Should().Be("100000");
        tree.Knob("cpu", 1101, "cpu.cfs_quota_us").Should().Be("150000");
        tree.Knob("memory", 1101, "memory.limit_in_bytes").Should().Be("1073741824");
        // memory+swap one memcg charge batch (256 KiB) above: reaching pmem is counted
        if (File.Exists(Path.Combine(tree.LveDirectory("memory", 1101), "memory.memsw.limit_in_bytes")))
            tree.Knob("memory", 1101, "memory.memsw.limit_in_bytes").Should().Be("1074003968");
        tree.Knob("pids", 1101, "pids.max").Should().Be("100");
        foreach (string file in new[] { "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device" })
            ThrottleLines(1101, file).Should().OnlyContain(l => l.EndsWith(" 10485760", StringComparison.Ordinal), file);
        foreach (string file in new[] { "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device" })
            ThrottleLines(1101, file).Should().OnlyContain(l => l.EndsWith(" 1000", StringComparison.Ordinal), file);
        if (File.Exists(Path.Combine(tree.LveDirectory("blkio", 1101), "blkio.bfq.weight")))
            tree.Knob("blkio", 1101, "blkio.bfq.weight").Should().EndWith("300");
        File.ReadAllText(tree.Config).Should().Be("# lvectl tests\n\n[lve 1101]\nspeed = 150%\nio_weight = 300\npmem = 1G\nnproc = 100\n" +
            "ep = 20\nio = 10M\niops = 1000\n");

        // a change of one limit leaves the others; unlimited means no limit in the kernel
        Ok(tree.Lvectl("set", "1101", "--pmem", "unlimited", "--speed", "50"));
        tree.Knob("cpu", 1101, "cpu.cfs_quota_us").Should().Be("50000");
        ulong.Parse(tree.Knob("memory", 1101, "memory.limit_in_bytes"), CultureInfo.InvariantCulture).Should().BeGreaterThan(1ul << 60);
        tree.Knob("pids", 1101, "pids.max").Should().Be("100");
        File.ReadAllText(tree.Config).Should().Contain("speed = 50%\n").And.Contain("pmem = unlimited\n");
    }

    [Fact]
    public void Set_user_uses_the_uid_and_notes_the_name()
    {
        // nobody exists on every Debian and RHEL host: uid 65534
        Ok(tree.Lvectl("set-user", "nobody", "--nproc", "64"));
        tree.Knob("pids", 65534, "pids.max").Should().Be("64");
        File.ReadAllText(tree.Config).Should().Contain("[lve 65534]\nuser = nobody\nnproc = 64\n");
        JsonElement lve = Lve(Json(tree.Lvectl("usage", "--json")), 65534);
        lve.GetProperty("user").GetString().Should().Be("nobody");

        ProcessResult r = tree.Lvectl("set-user", "no-such-user-here", "--nproc", "5");
        r.ExitCode.Should().Be(2);
        r.StderrLines.Should().Equal("lvectl: set-user: no user 'no-such-user-here'");
        ProcessResult root = tree.Lvectl("set-user", "root", "--nproc", "5");
        root.ExitCode.Should().Be(2);
        root.Stderr.Should().Contain("uid 0, which is no LVE id");
    }

    [Fact]
    public void Traps_are_warned_about_and_applied()
    {
        ProcessResult r = tree.Lvectl("set", "1102", "--nproc", "20", "--ep", "10", "--pmem", "256M");
        Ok(r);
        r.StderrLines.Should().HaveCount(2);
        r.StderrLines[0].Should().StartWith("lvectl: warning: LVE 1102: nproc 20 is below ep 10 + 15");
        r.StderrLines[1].Should().StartWith("lvectl: warning: LVE 1102: pmem 256M is below 512M");
        tree.Knob("pids", 1102, "pids.max").Should().Be("20");
        tree.Knob("memory", 1102, "memory.limit_in_bytes").Should().Be("268435456");
    }

    [Fact]
    public void A_memory_limit_holds_a_process_that_touches_more_is_killed()
    {
        Ok(tree.Lvectl("set", "1103", "--pmem", "64M"));
        // dd's buffer is 256M, touched by the read: more than the LVE may have
        ProcessResult r = tree.Lverun("1103", "dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1");
        r.ExitCode.Should().Be(128 + 9, "the kernel OOM-kills it inside the LVE\n" + r);
        JsonElement faults = Lve(Json(tree.Lvectl("usage", "1103", "--json")), 1103).GetProperty("faults");
        faults.GetProperty("oom").GetUInt64().Should().BeGreaterThanOrEqualTo(1);
        // the hits of the limit, as the kernel counts them: some, and what memory.failcnt says
        ulong hits = faults.GetProperty("pmem").GetUInt64();
        hits.Should().BeGreaterThan(0, "reaching pmem is a fault");
        hits.Should().Be(ulong.Parse(tree.Knob("memory", 1103, "memory.failcnt"), CultureInfo.InvariantCulture));
        // within the limit it runs
        Ok(tree.Lverun("1103", "dd", "if=/dev/zero", "of=/dev/null", "bs=16M", "count=1"));
    }

    [Fact]
    public void A_process_limit_holds_a_fork_fails()
    {
        Ok(tree.Lvectl("set", "1104", "--nproc", "4"));
        ProcessResult r = tree.Lverun("1104", "sh", "-c", "i=0; while [ $i -lt 8 ]; do sleep 1 & i=$((i+1)); done; wait");
        r.ExitCode.Should().NotBe(0, r.ToString());
        r.Stderr.Should().MatchRegex("(?i)fork|resource temporarily unavailable", r.ToString());
        Lve(Json(tree.Lvectl("usage", "1104", "--json")), 1104).GetProperty("faults").GetProperty("nproc").GetUInt64()
            .Should().BeGreaterThanOrEqualTo(1);
        WaitEmpty(1104);
    }

    [Fact]
    public void An_entry_limit_holds_an_entry_is_refused()
    {
        Ok(tree.Lvectl("set", "1105", "--ep", "1"));
        using var holder = Process.Start(new ProcessStartInfo(Machine.Lverun) { ArgumentList = { "1105", "sleep", "10" }, Environment = { ["LIBLVE_CGROUP_PARENT"] = tree.Parent } })!;
        try
        {
            WaitFor(() => Lve(Json(tree.Lvectl("usage", "1105", "--json")), 1105).GetProperty("usage").GetProperty("ep").GetUInt64() == 1,
                "the first entry is counted");
            ProcessResult refused = tree.Lverun("1105", "true");
            refused.ExitCode.Should().Be(125, "lverun could not enter: the entry limit\n" + refused);
            refused.Stderr.Should().MatchRegex("entry limit|Argument list too long");
            Lve(Json(tree.Lvectl("usage", "1105", "--json")), 1105).GetProperty("faults").GetProperty("ep").GetUInt64()
                .Should().Be(1);
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
        WaitEmpty(1105);
        Ok(tree.Lverun("1105", "true"));
    }

    [Fact]
    public void Destroy_all_then_apply_all_brings_back_exactly_what_was_configured()
    {
        tree.WriteConfig("# reboot test\n[default]\nspeed = 80%\nnproc = 150\n\n[lve 1201]\npmem = 1G # one\n\n" +
            "[lve 1202]\nspeed = 200%\nep = 30\n\n[lve 1203]\nio = 20M\nnproc = 90\n");
        ProcessResult first = tree.Lvectl("apply", "--all");
        Ok(first);
        first.StdoutLines.Should().Equal("applied the defaults and 3 configured LVEs");
        tree.LveDirectories().Should().Equal(1201u, 1202u, 1203u);
        Dictionary<string, string> before = Snapshot();
        string limits = Json(tree.Lvectl("limits", "--json")).GetRawText();

        Ok(tree.Lvectl("destroy", "--all"));
        tree.LveDirectories().Should().BeEmpty();
        // a reboot, as far as cgroups know: the tree itself is gone too
        tree.RemoveTree();
        Directory.Exists(tree.ParentDirectory("cpu")).Should().BeFalse();

        Ok(tree.Lvectl("apply", "--all"));
        tree.LveDirectories().Should().Equal(1201u, 1202u, 1203u);
        Snapshot().Should().Equal(before);
        Json(tree.Lvectl("limits", "--json")).GetRawText().Should().Be(limits);
        Json(tree.Lvectl("limits", "--json")).EnumerateArray().Should().OnlyContain(e => e.GetProperty("in_sync").GetBoolean());

        // idempotent: again changes nothing
        Ok(tree.Lvectl("apply", "--all"));
        Snapshot().Should().Equal(before);
    }

    /// <summary>Every limit file of every LVE, read from cgroupfs.</summary>
    private Dictionary<string, string> Snapshot()
    {
        var files = new Dictionary<string, string>();
        string[] knobs = ["cpu:cpu.cfs_quota_us", "memory:memory.limit_in_bytes", "pids:pids.max", "blkio:blkio.throttle.read_bps_device",
            "blkio:blkio.throttle.write_iops_device"];
        foreach (uint id in tree.LveDirectories())
            foreach (string knob in knobs)
            {
                string[] parts = knob.Split(':');
                files[id + "/" + parts[1]] = tree.Knob(parts[0], id, parts[1]);
            }
        return files;
    }

    [Fact]
    public void Apply_all_gives_the_defaults_to_LVEs_nobody_configured()
    {
        tree.WriteConfig("[default]\nnproc = 77\n");
        Ok(tree.Lverun("1301", "true")); // lverun makes 1301 with the tree's defaults of the moment
        Ok(tree.Lvectl("apply", "--all"));
        tree.Knob("pids", 1301, "pids.max").Should().Be("77");
        ProcessResult list = tree.Lvectl("list", "--json");
        Lve(Json(list), 1301).GetProperty("configured").GetBoolean().Should().BeFalse();
        // default changes reach it too, and the LVEs made from now on
        Ok(tree.Lvectl("default", "--nproc", "88"));
        tree.Knob("pids", 1301, "pids.max").Should().Be("88");
        Ok(tree.Lverun("1302", "true"));
        tree.Knob("pids", 1302, "pids.max").Should().Be("88");
        File.ReadAllText(tree.Config).Should().Be("[default]\nnproc = 88\n");
    }

    [Fact]
    public void Unset_takes_limits_back_to_the_defaults()
    {
        tree.WriteConfig("[default]\nnproc = 70\n\n# mine\n[lve 1401]\nnproc = 40\npmem = 1G\n");
        Ok(tree.Lvectl("apply", "1401"));
        tree.Knob("pids", 1401, "pids.max").Should().Be("40");
        Ok(tree.Lvectl("unset", "1401", "nproc"));
        tree.Knob("pids", 1401, "pids.max").Should().Be("70");
        tree.Knob("memory", 1401, "memory.limit_in_bytes").Should().Be("1073741824");
        Ok(tree.Lvectl("unset", "1401"));
        ulong.Parse(tree.Knob("memory", 1401, "memory.limit_in_bytes"), CultureInfo.InvariantCulture).Should().BeGreaterThan(1ul << 60);
        File.ReadAllText(tree.Config).Should().Be("[default]\nnproc = 70\n\n# mine\n");
        ProcessResult again = tree.Lvectl("unset", "1401");
        Ok(again);
        again.Stderr.Should().Contain("not configured");
        ProcessResult nothing = tree.Lvectl("apply", "4343");
        Ok(nothing);
        nothing.StderrLines.Should().Equal("lvectl: warning: apply 4343: not configured and does not exist: nothing to apply");
        Directory.Exists(tree.LveDirectory("cpu", 4343)).Should().BeFalse("apply makes only configured LVEs");
    }

    [Fact]
    public void Destroy_never_kills_a_busy_LVE_is_reported()
    {
        Ok(tree.Lvectl("set", "1501", "--nproc", "50"));
        using var busy = Process.Start(new ProcessStartInfo(Machine.Lverun) { ArgumentList = { "1501", "sleep", "30" }, Environment = { ["LIBLVE_CGROUP_PARENT"] = tree.Parent } })!;
        try
        {
            WaitFor(() => tree.Knob("pids", 1501, "pids.current") == "1", "the sleeper is inside");
            ProcessResult r = tree.Lvectl("destroy", "1501");
            r.ExitCode.Should().Be(1);
            r.StderrLines.Should().Equal("lvectl: destroy 1501: busy: processes are inside; left as it is (lvectl never kills)");
            busy.HasExited.Should().BeFalse();
            Directory.Exists(tree.LveDirectory("cpu", 1501)).Should().BeTrue();
            ProcessResult all = tree.Lvectl("destroy", "--all");
            all.ExitCode.Should().Be(1);
            all.StdoutLines.Should().Equal("destroyed 0 LVEs; 1 busy, left as they are");
        }
        finally
        {
            busy.Kill();
            busy.WaitForExit();
        }
        WaitEmpty(1501);
        Ok(tree.Lvectl("destroy", "1501"));
        Directory.Exists(tree.LveDirectory("cpu", 1501)).Should().BeFalse();
        tree.Lvectl("destroy", "1501").StderrLines.Should().Equal("lvectl: destroy 1501: no such LVE");
    }

    [Fact]
    public void Usage_json_on_the_real_tree()
    {
        Ok(tree.Lvectl("set", "1601", "--pmem", "1G", "--speed", "100%"));
        JsonElement one = Lve(Json(tree.Lvectl("usage", "--json")), 1601);
        one.GetProperty("limits").GetProperty("pmem").GetUInt64().Should().Be(1ul << 30);
        JsonElement u = one.GetProperty("usage");
        u.GetProperty("cpu_percent").ValueKind.Should().Be(JsonValueKind.Null, "no interval");
        u.GetProperty("pmem").ValueKind.Should().Be(JsonValueKind.Number);
        u.GetProperty("nproc").GetUInt64().Should().Be(0);

        // with an interval the rates are there, from two samples
        using var burner = Process.Start(new ProcessStartInfo(Machine.Lverun)
            { ArgumentList = { "1601", "sh", "-c", "while :; do :; done" }, Environment = { ["LIBLVE_CGROUP_PARENT"] = tree.Parent } })!;
        try
        {
            Thread.Sleep(300);
            JsonElement busy = Lve(Json(tree.Lvectl("usage", "1601", "--json", "--interval", "1")), 1601).GetProperty("usage");
            busy.GetProperty("cpu_percent").GetDouble().Should().BeInRange(30, 110, "one busy loop under a one-core limit");
            busy.GetProperty("io_read_bps").ValueKind.Should().Be(JsonValueKind.Number);
            busy.GetProperty("nproc").GetUInt64().Should().Be(1);
        }
        finally
        {
            burner.Kill();
            burner.WaitForExit();
        }
        WaitEmpty(1601);
        ProcessResult missing = tree.Lvectl("usage", "4242", "--json");
        missing.ExitCode.Should().Be(1);
        missing.StderrLines.Should().Equal("lvectl: usage 4242: no such LVE");
    }

    [Fact]
    public void Lists_and_limits_say_configured_and_applied()
    {
        tree.WriteConfig("[lve 1701]\npmem = 1G\n");
        Ok(tree.Lverun("1702", "true"));
        ProcessResult limits = tree.Lvectl("limits");
        Ok(limits);
        limits.Stdout.Should().Contain("LVE 1701: configured, does not exist (lvectl apply 1701 makes it)");
        limits.Stdout.Should().Contain("LVE 1702: not configured (the defaults apply), applied");
        Ok(tree.Lvectl("apply", "1701"));
        JsonElement l = Lve(Json(tree.Lvectl("limits", "--json", "1701")), 1701);
        l.GetProperty("in_sync").GetBoolean().Should().BeTrue();
        l.GetProperty("limits").GetProperty("pmem").GetProperty("source").GetString().Should().Be("own");
        l.GetProperty("limits").GetProperty("nproc").GetProperty("source").GetString().Should().Be("default");
        ProcessResult list = tree.Lvectl("list");
        Ok(list);
        list.StdoutLines[0].Should().MatchRegex("^ *ID +USER +CONF +SPEED +PMEM");
        list.StdoutLines.Should().Contain(line => line.TrimStart().StartsWith("1701 ", StringComparison.Ordinal) && line.Contains(" yes "));
        list.StdoutLines.Should().Contain(line => line.TrimStart().StartsWith("1702 ", StringComparison.Ordinal) && line.Contains(" no "));
    }

    [Fact]
    public void Top_prints_plain_tables_when_stdout_is_not_a_terminal()
    {
        Ok(tree.Lvectl("set", "1801", "--pmem", "1G"));
        ProcessResult r = tree.Lvectl("top", "-n", "2", "--interval", "0.2", "--sort", "pmem");
        Ok(r);
        r.Stdout.Should().NotContain("\u001b", "no escape sequences into a pipe");
        r.StdoutLines.Count(l => l.StartsWith("lvectl top ", StringComparison.Ordinal)).Should().Be(2);
        r.StdoutLines.Should().Contain(l => l.Contains("sorted by pmem"));
        r.StdoutLines.Count(l => l.TrimStart().StartsWith("1801 ", StringComparison.Ordinal)).Should().Be(2);
        r.StdoutLines.Where(l => l.TrimStart().StartsWith("ID", StringComparison.Ordinal)).Should().OnlyContain(l => l.Length <= 80);
        tree.Lvectl("top", "--sort", "weight").ExitCode.Should().Be(2);
    }

    /// <summary>
    /// README's five minutes: an account's memory limit, a process that wants
    /// more, and top naming the hit (pmem, oom) in the refresh that saw it.
    /// </summary>
    [Fact]
    public void Top_names_the_limits_an_LVE_hit_in_the_interval()
    {
        Ok(tree.Lvectl("set", "1802", "--pmem", "64M"));
        var start = new ProcessStartInfo(Machine.Lvectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--config", tree.Config, "top", "-n", "3", "--interval", "1", "--sort", "pmem" })
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in tree.Environment)
        {
            if (value == null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var top = Process.Start(start)!;
        top.StandardInput.Close();
        var lines = new List<string>();
        var firstTable = new ManualResetEventSlim();
        top.OutputDataReceived += (_, e) =>
        {
            if (e.Data == null)
                return;
            lock (lines)
                lines.Add(e.Data);
            if (e.Data.TrimStart().StartsWith("1802 ", StringComparison.Ordinal))
                firstTable.Set();
        };
        top.BeginOutputReadLine();
        try
        {
            // the hit comes after top's first table, so a later refresh sees it
            firstTable.Wait(TimeSpan.FromSeconds(20)).Should().BeTrue("top prints LVE 1802 within its first refresh");
            ProcessResult dd = tree.Lverun("1802", "dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1");
            dd.ExitCode.Should().Be(128 + 9, dd.ToString());
            top.WaitForExit(20_000).Should().BeTrue("top -n 3 ends by itself");
            top.WaitForExit();
        }
        finally
        {
            if (!top.HasExited)
                top.Kill();
        }
        top.ExitCode.Should().Be(0, top.StandardError.ReadToEnd());
        string[] rows;
        lock (lines)
            rows = lines.Where(l => l.TrimStart().StartsWith("1802 ", StringComparison.Ordinal)).ToArray();
        rows.Should().HaveCount(3);
        rows[0].Should().NotContain("oom", "the first refresh came before the hit");
        // HIT, the last column: the limits hit since the refresh before
        string[] hits = rows.Skip(1)
            .SelectMany(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last().Split(','))
            .ToArray();
        hits.Should().Contain(new[] { "pmem", "oom" },
            "the refreshes after the hit name pmem and oom in HIT:\n" + string.Join('\n', lines));
    }

    [Fact]
    public void Check_says_what_this_host_enforces()
    {
        JsonElement c = JsonDocument.Parse(tree.Lvectl("check", "--json").Stdout).RootElement;
        c.GetProperty("layout").GetString().Should().Be("v1", "CI's hosts are cgroup v1");
        c.GetProperty("limits").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("speed", "pmem", "nproc", "ep", "io", "iops", "io_weight");
        c.GetProperty("limits").GetProperty("speed").GetProperty("enforced").GetBoolean().Should().BeTrue();
        c.GetProperty("limits").GetProperty("nproc").GetProperty("enforced").GetBoolean()
            .Should().Be(File.Exists("/sys/fs/cgroup/pids/pids.current") || LveTree.Mounts().Any(m => m.Controllers.Contains("pids")));
        c.GetProperty("delegation").GetProperty("needed").GetBoolean().Should().BeFalse();
        bool favor = File.ReadAllText("/proc/self/mountinfo").Contains("favordynmods", StringComparison.Ordinal) ||
            File.ReadAllText("/proc/cmdline").Contains("cgroup_favordynmods=1", StringComparison.Ordinal);
        c.GetProperty("favordynmods").GetProperty("enabled").GetBoolean().Should().Be(favor);
        c.GetProperty("favordynmods").GetProperty("process_move_ms").GetDouble().Should().BeGreaterThan(0);
        c.GetProperty("favordynmods").GetProperty("note").GetString().Should().Contain("cgroup_favordynmods=1");
        bool all = c.GetProperty("all_enforced").GetBoolean();
        tree.Lvectl("check").ExitCode.Should().Be(all ? 0 : 1);
        // the probe cgroups are gone
        Directory.GetDirectories(Path.GetDirectoryName(tree.ParentDirectory("cpu"))!).Should().NotContain(d => d.Contains(".lvectl-check-"));
    }

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["set", "abc", "--pmem", "1G"], "lvectl: usage: 'abc' is not an LVE id" },
        { ["set", "0"], "lvectl: usage: '0' is not an LVE id" },
        { ["set", "1", "--pmem", "2048"], "lvectl: usage: pmem '2048': a size needs a unit: did you mean 2048M (2G) or 2048 bytes (2048B)?" },
        { ["set", "1", "--speed", "fast"], "lvectl: usage: speed 'fast': not a percentage" },
        { ["set", "1", "--vmem", "1G"], "lvectl: usage: " },
        { ["unset", "1", "vmem"], "lvectl: usage: 'vmem' is not a limit" },
        { ["apply"], "lvectl: usage: apply takes LVE ids or --all, one of the two" },
        { ["apply", "5", "--all"], "lvectl: usage: apply takes LVE ids or --all, one of the two" },
        { ["destroy"], "lvectl: usage: destroy takes LVE ids or --all, one of the two" },
        { ["usage", "--interval", "0"], "lvectl: usage: --interval takes seconds" },
        { ["frobnicate"], "lvectl: usage: unrecognized argument 'frobnicate' (see lvectl --help)" },
        { ["set", "1", "2"], "lvectl: usage: unrecognized argument '2' (see lvectl set --help)" },
        { [], "lvectl: usage: no command" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Usage_errors_are_one_line_and_exit_2(string[] args, string start)
    {
        string before = File.ReadAllText(tree.Config);
        ProcessResult r = tree.Lvectl(args);
        r.ExitCode.Should().Be(2, r.ToString());
        r.StderrLines.Should().ContainSingle().Which.Should().StartWith(start);
        r.Stdout.Should().BeEmpty();
        File.ReadAllText(tree.Config).Should().Be(before);
    }

    [Fact]
    public void A_bad_configuration_changes_nothing_and_exits_2()
    {
        tree.WriteConfig("[lve 1901]\npmem = 1G\n[lve 1902]\nnproc = many\n");
        foreach (string[] args in new[] { new[] { "set", "1901", "--pmem", "2G" }, ["apply", "--all"], ["usage"], ["limits"] })
        {
            ProcessResult r = tree.Lvectl(args);
            r.ExitCode.Should().Be(2, string.Join(' ', args));
            r.StderrLines.Should().Equal("lvectl: " + tree.Config + ": line 4: nproc 'many': not a whole number");
        }
        File.ReadAllText(tree.Config).Should().Be("[lve 1901]\npmem = 1G\n[lve 1902]\nnproc = many\n");
        tree.LveDirectories().Should().BeEmpty("nothing was applied");

        File.SetUnixFileMode(tree.Config, (UnixFileMode)0x1b6); // 0666
        ProcessResult unsafeFile = tree.Lvectl("usage");
        unsafeFile.ExitCode.Should().Be(2);
        unsafeFile.Stderr.Should().Contain("group-writable");
    }

    [Fact]
    public void Help_on_every_command()
    {
        foreach (string command in new[] { "set", "set-user", "default", "unset", "limits", "list", "apply", "destroy", "usage", "top", "check" })
        {
            ProcessResult r = tree.Lvectl(command, "--help");
            r.ExitCode.Should().Be(0, command);
            r.Stdout.Should().Contain("Usage:").And.Contain("lvectl " + command);
        }
        ProcessResult set = tree.Lvectl("set", "--help");
        foreach (string option in new[] { "--speed", "--pmem", "--nproc", "--ep", "--io", "--iops", "--io-weight" })
            set.Stdout.Should().Contain(option);
        ProcessResult version = tree.LvectlBare("--version");
        version.ExitCode.Should().Be(0);
        version.Stdout.Trim().Should().Be("lvectl " + File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "../../../../../../VERSION")).Trim());
    }

    [Fact]
    public void The_configuration_path_is_shared_with_liblve()
    {
        // LIBLVE_CONF names the file when --config does not
        Ok(tree.LvectlBare("set", "1951", "--nproc", "33"));
        File.ReadAllText(tree.Config).Should().Contain("[lve 1951]\nnproc = 33\n");
    }

    [Fact]
    public void A_kill_at_any_instant_leaves_the_old_file_or_the_new_one()
    {
        // a large file, so that the write takes a while and kills land inside it
        string body = "# kill test: the comment must survive\n" + string.Concat(Enumerable.Range(0, 5000).Select(i =>
            "\n# account " + i + "\n[lve " + (300000 + i) + "]\npmem = " + (512 + i % 4 * 128) + "M\n"));
        tree.WriteConfig(body);
        var random = new Random(12);
        string current = File.ReadAllText(tree.Config);
        int killed = 0, completed = 0;
        for (int round = 0; round < 40; round++)
        {
            string value = (round + 1) + "G"; // as lvectl writes it back
            var start = new ProcessStartInfo(Machine.Lvectl)
            {
                ArgumentList = { "--config", tree.Config, "set", "300000", "--pmem", value },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            start.Environment["LIBLVE_CGROUP_PARENT"] = tree.Parent;
            using Process p = Process.Start(start)!;
            Thread.Sleep(random.Next(0, 60));
            try
            {
                p.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            p.WaitForExit();
            if (p.ExitCode == 137)
                killed++;
            else
                completed++;
            string now = File.ReadAllText(tree.Config);
            string expected = current.Replace("[lve 300000]\npmem = " + current.Split("[lve 300000]\npmem = ")[1].Split('\n')[0] + "\n",
                "[lve 300000]\npmem = " + value + "\n", StringComparison.Ordinal);
            now.Should().BeOneOf([current, expected], "round " + round + ": the old file or the new one, never a torn one");
            current = now;
        }
        killed.Should().BeGreaterThan(0, "some kills landed");
        Ok(tree.Lvectl("set", "300000", "--pmem", "2G"));
        Directory.GetFiles(tree.Directory).Select(Path.GetFileName).Should().Equal("lve.conf");
        File.ReadAllText(tree.Config).Should().StartWith("# kill test: the comment must survive\n");
    }

    private void WaitEmpty(uint id) =>
        WaitFor(() => !File.Exists(Path.Combine(tree.LveDirectory("pids", id), "pids.current")) ||
            tree.Knob("pids", id, "pids.current") == "0", "LVE " + id + " is empty");

    private static void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
                throw new TimeoutException("waited 15 s for: " + what);
            Thread.Sleep(50);
        }
    }
}
