// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Text;
using FluentAssertions;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>Finding the command before anything is entered: found, 126 or 127.</summary>
public sealed class CommandLookupTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("lverun-lookup-").FullName;

    public CommandLookupTests()
    {
        Directory.CreateDirectory(Path.Combine(root, "a"));
        Directory.CreateDirectory(Path.Combine(root, "b"));
        Directory.CreateDirectory(Path.Combine(root, "b", "adir"));
        File.WriteAllText(Path.Combine(root, "a", "plain"), "data");
        File.SetUnixFileMode(Path.Combine(root, "a", "plain"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(root, "b", "plain"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(root, "b", "plain"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(root, "a", "onlyhere"), "data");
        File.SetUnixFileMode(Path.Combine(root, "a", "onlyhere"), UnixFileMode.UserRead);
        File.WriteAllText(Path.Combine(root, "b", "other-x"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(root, "b", "other-x"), UnixFileMode.UserRead | UnixFileMode.OtherExecute);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Find(string name, string searchPath)
    {
        byte[] path = CommandLookup.Find(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(searchPath));
        path[^1].Should().Be(0, "the path is NUL-terminated for execve");
        return Encoding.UTF8.GetString(path, 0, path.Length - 1);
    }

    private int FailureOf(string name, string searchPath)
    {
        Action find = () => Find(name, searchPath);
        return find.Should().Throw<LaunchFailure>().Which.ExitCode;
    }

    [Fact]
    public void Searches_PATH_in_order_past_files_that_cannot_run() =>
        Find("plain", $"{root}/a:{root}/b").Should().Be($"{root}/b/plain");

    [Fact]
    public void Any_execute_bit_will_do() => Find("other-x", $"{root}/b").Should().Be($"{root}/b/other-x");

    [Fact]
    public void Trailing_slashes_are_joined_once() => Find("plain", $"{root}/b/").Should().Be($"{root}/b/plain");

    [Fact]
    public void Empty_and_relative_entries_are_skipped()
    {
        string old = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Path.Combine(root, "b"));
        try
        {
            FailureOf("plain", "::.:b").Should().Be(ExitCode.NotFound);
        }
        finally
        {
            Directory.SetCurrentDirectory(old);
        }
    }

    [Fact]
    public void Not_found_anywhere_is_127() => FailureOf("no-such-command", $"{root}/a:{root}/b:/nonexistent").Should().Be(127);

    [Fact]
    public void Found_but_without_an_execute_bit_is_126() => FailureOf("onlyhere", $"{root}/a:{root}/b").Should().Be(126);

    [Fact]
    public void A_directory_of_that_name_is_126() => FailureOf("adir", $"{root}/b").Should().Be(126);

    [Fact]
    public void The_empty_name_is_127() => FailureOf("", $"{root}/b").Should().Be(127);

    [Fact]
    public void A_name_with_a_slash_is_taken_as_given()
    {
        Find($"{root}/b/plain", "/nonexistent").Should().Be($"{root}/b/plain");
        FailureOf($"{root}/a/plain", $"{root}/b").Should().Be(126);
        FailureOf($"{root}/b", "").Should().Be(126);
        FailureOf($"{root}/nonexistent", $"{root}/b").Should().Be(127);
        FailureOf($"{root}/a/plain/x", $"{root}/b").Should().Be(127);
    }

    [Fact]
    public void A_relative_name_with_a_slash_is_relative_to_the_working_directory()
    {
        string old = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(root);
        try
        {
            Find("b/plain", "/nonexistent").Should().Be("b/plain");
        }
        finally
        {
            Directory.SetCurrentDirectory(old);
        }
    }
}
