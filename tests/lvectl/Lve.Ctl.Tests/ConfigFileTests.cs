// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using Lve.Ctl.Tests.Support;
using Lve.Interop;
using LveCtl;
using Xunit;

namespace Lve.Ctl.Tests;

/// <summary>The file on disk: used only when root alone can write it, replaced atomically, never torn.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string dir = Machine.TempDirectory("file");

    private string PathOf(string name) => Path.Combine(dir, name);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string name, string text, UnixFileMode mode = (UnixFileMode)0x1a4) // 0644
    {
        string path = PathOf(name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void A_missing_file_is_an_empty_configuration()
    {
        Machine.RequireRoot();
        ConfigFile file = ConfigFile.Read(PathOf("none.conf"));
        file.Exists.Should().BeFalse();
        file.Document.Lves.Should().BeEmpty();
    }

    public static TheoryData<string, int, string> Unsafe => new()
    {
        { "group-writable", 0x1b4, "group-writable" },   // 0664
        { "world-writable", 0x1a6, "world-writable" },   // 0646
    };

    [Theory]
    [MemberData(nameof(Unsafe))]
    public void A_file_others_can_write_is_refused(string name, int mode, string why)
    {
        Machine.RequireRoot();
        string path = Write(name, "[lve 5]\npmem = 1G\n", (UnixFileMode)mode);
        Action read = () => ConfigFile.Read(path);
        CtlFailure e = read.Should().Throw<CtlFailure>().Which;
        e.ExitCode.Should().Be(ExitCode.Usage);
        e.What.Should().Be(path);
        e.Why.Should().Contain(why);
    }

    [Fact]
    public void A_file_not_owned_by_root_is_refused()
    {
        Machine.RequireRoot();
        string path = Write("owned", "[lve 5]\npmem = 1G\n");
        Machine.Chown(path, 1, 1).Should().Be(0);
        Action read = () => ConfigFile.Read(path);
        read.Should().Throw<CtlFailure>().Which.Why.Should().Contain("owned by uid 1, not root");
    }

    [Fact]
    public void A_symlink_and_a_directory_are_refused()
    {
        Machine.RequireRoot();
        string target = Write("target", "");
        File.CreateSymbolicLink(PathOf("link"), target);
        Directory.CreateDirectory(PathOf("dir"));
        ((Action)(() => ConfigFile.Read(PathOf("link")))).Should().Throw<CtlFailure>().Which.Why.Should().Contain("symbolic link");
        ((Action)(() => ConfigFile.Read(PathOf("dir")))).Should().Throw<CtlFailure>().Which.Why.Should().Contain("not a regular file");
    }

    [Fact]
    public void A_bad_line_names_the_file_and_the_line()
    {
        Machine.RequireRoot();
        string path = Write("bad", "# ok\n[lve 5]\npmem = 2048\n");
        CtlFailure e = ((Action)(() => ConfigFile.Read(path))).Should().Throw<CtlFailure>().Which;
        e.What.Should().Be(path);
        e.Why.Should().StartWith("line 3: pmem '2048': a size needs a unit");
    }

    [Fact]
    public void A_rewrite_keeps_the_mode_and_leaves_no_temporary_file()
    {
        Machine.RequireRoot();
        string path = Write("lve.conf", "# mine\n[lve 5]\npmem = 1G # keep\n", (UnixFileMode)0x1a0); // 0640
        File.WriteAllText(PathOf(".lve.conf.lvectl-stale"), "left by a killed writer");
        using (ConfigFile file = ConfigFile.OpenForChange(path))
            file.Write(file.Document.WithLve(5, null, LveLimits.None.With(LveLimit.Named("pmem"), 2ul << 30)));
        File.ReadAllText(path).Should().Be("# mine\n[lve 5]\npmem = 2G # keep\n");
        File.GetUnixFileMode(path).Should().Be((UnixFileMode)0x1a0);
        Directory.GetFiles(dir).Select(Path.GetFileName).Should().Equal("lve.conf");
    }

    [Fact]
    public void A_new_file_is_0644_and_its_directory_is_made()
    {
        Machine.RequireRoot();
        string path = Path.Combine(dir, "etc", "lve", "lve.conf");
        using (ConfigFile file = ConfigFile.OpenForChange(path))
            file.Write(file.Document.WithDefaults(LveLimits.None.With(LveLimit.Named("nproc"), 100)));
        File.ReadAllText(path).Should().Be("[default]\nnproc = 100\n");
        File.GetUnixFileMode(path).Should().Be((UnixFileMode)0x1a4);
    }

    [Fact]
    public void A_directory_others_can_write_is_refused_for_a_change()
    {
        Machine.RequireRoot();
        string open = Path.Combine(dir, "open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, (UnixFileMode)0x1ff); // 0777, no sticky bit
        Action change = () => ConfigFile.OpenForChange(Path.Combine(open, "lve.conf")).Dispose();
        change.Should().Throw<CtlFailure>().Which.Why.Should().Contain("writable by others than root");
    }

    [Fact]
    public void Writing_without_the_lock_is_refused()
    {
        Machine.RequireRoot();
        string path = Write("nolock", "");
        ConfigFile file = ConfigFile.Read(path);
        Action write = () => file.Write(ConfigDocument.Empty);
        write.Should().Throw<InvalidOperationException>();
    }
}
