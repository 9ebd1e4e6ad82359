// SPDX-License-Identifier: MIT
using System.Linq;
using FluentAssertions;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>lverun's command line: the operands, pass-through, and what is refused.</summary>
public class CommandLineTests
{
    private static LaunchRequest Launch(params string[] args)
    {
        ParsedCommandLine parsed = CommandLine.Parse(args);
        parsed.Error.Should().BeNull();
        parsed.Action.Should().Be(CommandLineAction.Launch);
        LaunchRequest request = parsed.Request!;
        // the command is the tail of args, as given
        request.Command.Should().Equal(args.Skip(request.CommandIndex));
        return request;
    }

    public static TheoryData<string[], uint, string[]> PassThrough => new()
    {
        { ["1001", "printf", "%s|", "-h", "--help", "--", "@x"], 1001, ["printf", "%s|", "-h", "--help", "--", "@x"] },
        { ["1001", "cmd", "--version"], 1001, ["cmd", "--version"] },
        { ["1001", "cmd", "-u", "root", "-g", "root"], 1001, ["cmd", "-u", "root", "-g", "root"] },
        { ["1001", "cmd", "--user=root"], 1001, ["cmd", "--user=root"] },
        { ["1001", "cmd", "-u:x", "-unobody", "-gx", "--group:y", "-abc"], 1001, ["cmd", "-u:x", "-unobody", "-gx", "--group:y", "-abc"] },
        { ["1001", "--user=root", "x"], 1001, ["--user=root", "x"] },
        { ["1001", "cmd", "", " ", " a  b ", ""], 1001, ["cmd", "", " ", " a  b ", ""] },
        { ["1001", "cmd", "@file", "@", "[diagram]", "[suggest]"], 1001, ["cmd", "@file", "@", "[diagram]", "[suggest]"] },
        { ["1001", "cmd", "-?", "-", "--", "---"], 1001, ["cmd", "-?", "-", "--", "---"] },
        { ["1001", "-h"], 1001, ["-h"] },
        { ["1001", "--help", "x"], 1001, ["--help", "x"] },
        { ["1001", "--"], 1001, ["--"] },
        { ["1001", "@x"], 1001, ["@x"] },
        { ["1001", ""], 1001, [""] },
        { ["1001", "1002"], 1001, ["1002"] },
        { ["--", "1001", "cmd"], 1001, ["cmd"] },
        { ["--", "1001", "--", "cmd"], 1001, ["--", "cmd"] },
        { ["2147483647", "x", "\n", "\t", "é", "日本"], 2147483647, ["x", "\n", "\t", "é", "日本"] },
    };

    [Theory]
    [MemberData(nameof(PassThrough))]
    public void Everything_from_COMMAND_on_is_passed_verbatim(string[] args, uint lveId, string[] command)
    {
        LaunchRequest request = Launch(args);
        request.LveId.Should().Be(lveId);
        request.User.Should().BeNull();
        request.Group.Should().BeNull();
        request.Command.Should().Equal(command);
    }

    public static TheoryData<string[], string?, string?, string[]> Options => new()
    {
        { ["-u", "nobody", "1001", "id"], "nobody", null, ["id"] },
        { ["--user", "nobody", "1001", "id"], "nobody", null, ["id"] },
        { ["--user=nobody", "1001", "id"], "nobody", null, ["id"] },
        { ["--user:nobody", "1001", "id"], "nobody", null, ["id"] },
        { ["-u=nobody", "1001", "id"], "nobody", null, ["id"] },
        { ["-unobody", "1001", "id", "--user=x"], "nobody", null, ["id", "--user=x"] },
        { ["-u", "nobody", "--group=nogroup", "--", "1001", "id", "--group=x"], "nobody", "nogroup", ["id", "--group=x"] },
        { ["-u", "1002", "1001", "id"], "1002", null, ["id"] },
        { ["-g", "nogroup", "1001", "id"], null, "nogroup", ["id"] },
        { ["--group=65534", "1001", "id"], null, "65534", ["id"] },
        { ["-u", "nobody", "-g", "nogroup", "--", "1001", "id", "-u", "x"], "nobody", "nogroup", ["id", "-u", "x"] },
        { ["-g", "nogroup", "-u", "1000", "1001", "-u"], "1000", "nogroup", ["-u"] },
        { ["-u", "", "1001", "id"], "", null, ["id"] },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Options_stand_before_LVE_ID(string[] args, string? user, string? group, string[] command)
    {
        LaunchRequest request = Launch(args);
        request.LveId.Should().Be(1001);
        request.User.Should().Be(user);
        request.Group.Should().Be(group);
        request.Command.Should().Equal(command);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("05")]
    [InlineData("4294967295")]
    [InlineData("4294967296")]
    [InlineData("2147483648")]
    [InlineData("99999999999")]
    [InlineData("")]
    [InlineData("１２")]
    [InlineData("1e3")]
    [InlineData("0x1")]
    [InlineData("abc")]
    [InlineData("1001\n")]
    [InlineData("[diagram]")]
    [InlineData("[x]")]
    [InlineData("[suggest:1]")]
    [InlineData("@ids")]
    public void Bad_LVE_ids_exit_125(string id)
    {
        // with a valid id after it too: "[x] 1001 true" once ran true in 1001,
        // System.CommandLine taking "[x]" for a directive and dropping it
        foreach (string[] args in new[] { new[] { id, "true" }, new[] { "--", id, "true" }, new[] { "-u", "nobody", id, "true" },
                     new[] { id, "1001", "true" }, new[] { "-u", "nobody", id, "1001", "true" } })
        {
            ParsedCommandLine parsed = CommandLine.Parse(args);
            parsed.Action.Should().Be(CommandLineAction.Error, "LVE id '{0}' in {1}", id, string.Join(' ', args));
            parsed.Error!.ExitCode.Should().Be(ExitCode.Failed);
        }
    }

    [Fact]
    public void A_bad_LVE_id_is_named_in_the_message()
    {
        ParsedCommandLine parsed = CommandLine.Parse(["05", "true"]);
        parsed.Error!.Message.Should().Be("LVE id '05': not a number from 1 to 2147483647");
    }

    public static TheoryData<string[]> UsageErrors => new()
    {
        new string[0],
        new[] { "1001" },
        new[] { "-u" },
        new[] { "-u", "nobody" },
        new[] { "-u", "nobody", "1001" },
        new[] { "-x", "1001", "true" },
        new[] { "--frobnicate", "1001", "true" },
        new[] { "-u", "a", "-u", "b", "1001", "true" },
        new[] { "--version", "1001", "true" },
        new[] { "--" },
        new[] { "--", "1001" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void Usage_errors_exit_125(string[] args)
    {
        ParsedCommandLine parsed = CommandLine.Parse(args);
        parsed.Action.Should().Be(CommandLineAction.Error);
        parsed.Error!.ExitCode.Should().Be(ExitCode.Failed);
        parsed.Error.Message.Should().NotContain("\n");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    public void Help(string option)
    {
        CommandLine.Parse([option]).Action.Should().Be(CommandLineAction.Help);
        CommandLine.Parse([option, "1001", "true"]).Action.Should().Be(CommandLineAction.Help);
        CommandLine.Parse(["-u", "x", option]).Action.Should().Be(CommandLineAction.Help);
    }

    [Theory]
    [InlineData("/h")]
    [InlineData("/?")]
    public void DOS_style_help_is_not_lverun_s(string option)
    {
        // not an option: taken as the LVE id, and refused as one
        CommandLine.Parse([option, "true"]).Action.Should().Be(CommandLineAction.Error);
        CommandLine.Parse([option]).Action.Should().Be(CommandLineAction.Error);
    }

    [Fact]
    public void Help_text_shows_the_synopsis() =>
        CommandLine.HelpText.Should().StartWith("Usage: lverun [OPTION]... LVE_ID COMMAND [ARG]...\n");

    [Fact]
    public void Version() => CommandLine.Parse(["--version"]).Action.Should().Be(CommandLineAction.Version);

    /// <summary>
    /// lverun's own --help and --version behave as System.CommandLine's
    /// HelpOption and VersionOption did on RootCommand (every sequence of up
    /// to four of 22 tricky arguments was compared when they were replaced):
    /// of the two, the one first given later decides; help wins over any
    /// error; --version alone ("--" and a leading [directive] aside) or it
    /// is an error; after LVE_ID both belong to the command.
    /// </summary>
    public static TheoryData<string[], CommandLineAction> HelpAndVersion => new()
    {
        { ["--version"], CommandLineAction.Version },
        { ["--version", "--"], CommandLineAction.Version },
        { ["--version", "--version"], CommandLineAction.Version },
        { ["[d]", "--version"], CommandLineAction.Version },
        { ["--version", "-h"], CommandLineAction.Help },
        { ["-h", "--version"], CommandLineAction.Error },
        { ["--version", "-u", "x"], CommandLineAction.Error },
        { ["-u", "x", "--version"], CommandLineAction.Error },
        { ["--version", "--bogus"], CommandLineAction.Error },
        { ["--version", "--", "1001"], CommandLineAction.Error },
        { ["--cgi", "--version"], CommandLineAction.Error },
        { ["--help", "-u"], CommandLineAction.Help },
        { ["-h", "--bogus"], CommandLineAction.Help },
        { ["--cgi", "-h"], CommandLineAction.Help },
        { ["-u", "--help"], CommandLineAction.Error },
        { ["--bogus", "-h"], CommandLineAction.Error },
        { ["--", "--version"], CommandLineAction.Error },
        { ["--", "-h"], CommandLineAction.Error },
        { ["1001", "x", "-h"], CommandLineAction.Launch },
        { ["1001", "x", "--version"], CommandLineAction.Launch },
    };

    [Theory]
    [MemberData(nameof(HelpAndVersion))]
    public void Help_and_version_as_System_CommandLine_had_them(string[] args, CommandLineAction action)
    {
        ParsedCommandLine parsed = CommandLine.Parse(args);
        parsed.Action.Should().Be(action, parsed.Error?.Message);
        if (action == CommandLineAction.Error)
            parsed.Error!.ExitCode.Should().Be(ExitCode.Failed);
    }

    [Fact]
    public void Version_stands_alone()
    {
        CommandLine.Parse(["--version", "1001", "true"]).Error!.Message
            .Should().Be("usage: --version option cannot be combined with other arguments. (see lverun --help)");
    }

    [Fact]
    public void A_leading_directive_is_refused_where_LVE_ID_stands()
    {
        // System.CommandLine takes "[x]" before anything else as a directive
        // and, with none defined, used to drop it: "lverun [d] 1001 true" ran
        // true.  No argument is ignored: it stands where LVE_ID does.
        CommandLine.Parse(["[d]", "1001", "true"]).Error!.Message
            .Should().Be("LVE id '[d]': not a number from 1 to 2147483647");
        CommandLine.Parse(["-u", "nobody", "[d]", "1001", "true"]).Error!.Message
            .Should().Be("LVE id '[d]': not a number from 1 to 2147483647");
        // after LVE_ID it is the command's, verbatim
        Launch("1001", "echo", "[d]").Command.Should().Equal("echo", "[d]");
    }

    public static TheoryData<string[], bool, uint, int> Cgi => new()
    {
        { ["1001", "true"], false, 60, 1 },
        { ["--cgi", "1001", "true"], true, 60, 2 },
        { ["--cgi", "--retry-after", "5", "1001", "true"], true, 5, 4 },
        { ["--retry-after=120", "--cgi", "1001", "true"], true, 120, 3 },
        { ["--cgi", "--retry-after:2147483647", "--", "1001", "true"], true, 2147483647, 4 },
        { ["--cgi", "--cgi", "-u", "web1", "1001", "true", "--cgi"], true, 60, 5 },
        { ["1001", "--cgi", "--retry-after", "5"], false, 60, 1 },
    };

    [Theory]
    [MemberData(nameof(Cgi))]
    public void Cgi_and_retry_after(string[] args, bool cgi, uint retryAfter, int commandIndex)
    {
        LaunchRequest request = Launch(args);
        request.Cgi.Should().Be(cgi);
        request.RetryAfter.Should().Be(retryAfter);
        request.CommandIndex.Should().Be(commandIndex);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("05")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5s")]
    [InlineData("2147483648")]
    [InlineData("")]
    public void Retry_after_is_a_strict_number_of_seconds(string seconds)
    {
        ParsedCommandLine parsed = CommandLine.Parse(["--cgi", "--retry-after", seconds, "1001", "true"]);
        parsed.Action.Should().Be(CommandLineAction.Error);
        parsed.Error!.ExitCode.Should().Be(ExitCode.Failed);
        parsed.Error.Message.Should().Be("--retry-after '" + seconds + "': not a number of seconds from 1 to 2147483647");
    }

    [Fact]
    public void Retry_after_needs_cgi() =>
        CommandLine.Parse(["--retry-after", "5", "1001", "true"]).Error!.Message
            .Should().Be("usage: --retry-after needs --cgi (see lverun --help)");

    [Fact]
    public void More_arguments_than_the_parser_takes_still_reach_the_command()
    {
        // System.CommandLine caps an argument at 100000 values; argv can hold more.
        string[] args = ["-u", "nobody", "1001", "echo", .. Enumerable.Range(0, 150_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        LaunchRequest request = Launch(args);
        request.User.Should().Be("nobody");
        request.CommandIndex.Should().Be(3);
        request.Command.Count.Should().Be(150_001);
        request.Command[^1].Should().Be("149999");
    }
}
