// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using Lve.Interop;

namespace LveRun;

/// <summary>What the command line asks lverun to do.</summary>
public enum CommandLineAction
{
    Launch,
    Help,
    Version,
    Error,
}

/// <summary>
/// A valid request to run a command: the LVE, the optional user and group,
/// and where in the arguments the command starts.  Everything from
/// <see cref="CommandIndex"/> on belongs to the command, untouched.
/// </summary>
public sealed record LaunchRequest(uint LveId, string? User, string? Group, int CommandIndex, IReadOnlyList<string> Command)
{
    /// <summary>
    /// --cgi: when the LVE's entry limit is full, answer the web request as
    /// CGI expects (508 on stdout, exit 0) instead of failing.
    /// </summary>
    public bool Cgi { get; init; }

    /// <summary>--retry-after: the Retry-After of that answer, in seconds.</summary>
    public uint RetryAfter { get; init; } = CommandLine.DefaultRetryAfter;
}

/// <summary>The outcome of <see cref="CommandLine.Parse"/>.</summary>
public sealed record ParsedCommandLine(CommandLineAction Action, LaunchRequest? Request = null, LaunchFailure? Error = null);

/// <summary>
/// lverun [OPTIONS] LVE_ID COMMAND [ARG...], parsed with System.CommandLine.
///
/// lverun's own options stand before LVE_ID, and "--" may end them.  The
/// operands are one argument that captures the remaining tokens: once its
/// first value (LVE_ID) is seen, every later token is a value whatever it
/// looks like, so "-h", "--version", "--", "@file" and "" after LVE_ID reach
/// the command.  Response files and directives are off, so "@x" and "[x]"
/// are never expanded; the invocation pipeline (and with it the default
/// exception handler) is never used: lverun only parses.
/// </summary>
public static class CommandLine
{
    public const string HelpText =
        """
        Usage: lverun [OPTION]... LVE_ID COMMAND [ARG]...
        Run COMMAND with its arguments inside the LVE (lightweight virtual
        environment) LVE_ID, as the caller or as another user.

          -u, --user=USER    run as USER (a name or a uid), with USER's groups and
                             HOME, USER and LOGNAME from USER's passwd entry
          -g, --group=GROUP  run with primary group GROUP (a name or a gid)
              --cgi          when the LVE's entry limit is reached, answer the web
                             request (CGI): 508 with Retry-After, and exit 0
              --retry-after=SECONDS
                             the Retry-After of that answer (default 60)
          -h, --help         show this help and exit
              --version      show the version and exit

        LVE_ID is a number from 1 to 2147483647.  lverun's options stand before
        LVE_ID, and "--" may end them; everything from COMMAND on reaches the
        command unchanged.  COMMAND is looked up in PATH unless it contains a '/'.

        Exit status:
          125  lverun itself failed
          126  COMMAND was found but could not be run
          127  COMMAND was not found
          otherwise the exit status of COMMAND

        """;

    /// <summary>The Retry-After of a --cgi answer without --retry-after, in seconds.</summary>
    public const uint DefaultRetryAfter = 60;

    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        var user = new Option<string>("--user", "-u");
        var group = new Option<string>("--group", "-g");
        var cgi = new Option<bool>("--cgi") { Arity = ArgumentArity.Zero };
        var retryAfter = new Option<string>("--retry-after");
        // lverun's own help and version options on a plain Command, not
        // RootCommand's HelpOption and VersionOption: making those loads
        // their descriptions from System.CommandLine's resources through
        // reflection, at every start, for a help text lverun never shows
        // (it prints HelpText).  A Unix command: "-h", "-?" and "--help", not
        // the DOS-style "/h" and "/?".
        var help = new Option<bool>("--help", "-h", "-?") { Arity = ArgumentArity.Zero };
        var version = new Option<bool>("--version") { Arity = ArgumentArity.Zero };
        var operands = new Argument<string[]>("LVE_ID COMMAND")
        {
            Arity = new ArgumentArity(2, ArgumentArity.OneOrMore.MaximumNumberOfValues),
            CaptureRemainingTokens = true,
        };
        var root = new Command("lverun") { user, group, cgi, retryAfter, help, version, operands };
        var configuration = new ParserConfiguration { ResponseFileTokenReplacer = null };

        // The parser refuses more values than its maximum arity; argv can hold
        // more.  Options come before the operands, so a prefix that reaches the
        // command tells everything lverun needs; the rest is the command's.
        int limit = ArgumentArity.OneOrMore.MaximumNumberOfValues;
        IReadOnlyList<string> parsed = args.Count <= limit ? args : args.Take(limit).ToArray();
        ParseResult result = root.Parse(parsed, configuration);

        if (HelpOrVersion(result, help, version) is { } action)
            return action;
        if (result.Errors.Count > 0)
            return new ParsedCommandLine(CommandLineAction.Error, Error: Usage(result.Errors[0].Message));

        bool answersCgi = result.GetValue(cgi);
        uint retrySeconds = DefaultRetryAfter;
        if (result.GetValue(retryAfter) is { } seconds)
        {
            if (!answersCgi)
                return new ParsedCommandLine(CommandLineAction.Error, Error: Usage("--retry-after needs --cgi"));
            if (!IdNumber.TryParse(seconds, out retrySeconds))
                return new ParsedCommandLine(CommandLineAction.Error,
                    Error: new LaunchFailure(ExitCode.Failed, "--retry-after '" + seconds + "'",
                        "not a number of seconds from 1 to " + IdNumber.Max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        int idIndex = OperandStart(parsed, result, operands);
        if (idIndex < 0 || idIndex + 1 >= args.Count)
            return new ParsedCommandLine(CommandLineAction.Error, Error: Usage("cannot tell LVE_ID and COMMAND apart"));

        string id = args[idIndex];
        bool afterDoubleDash = idIndex > 0 && parsed[idIndex - 1] == "--";
        if (id.Length > 1 && id[0] == '-' && !afterDoubleDash)
            return new ParsedCommandLine(CommandLineAction.Error, Error: Usage("unrecognized option '" + id + "'"));
        if (!IdNumber.TryParse(id, out uint lveId))
            return new ParsedCommandLine(CommandLineAction.Error,
                Error: new LaunchFailure(ExitCode.Failed, "LVE id '" + id + "'",
                    "not a number from 1 to " + IdNumber.Max.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        int commandIndex = idIndex + 1;
        var command = new ArraySegment<string>(args as string[] ?? args.ToArray(), commandIndex, args.Count - commandIndex);
        return new ParsedCommandLine(CommandLineAction.Launch,
            new LaunchRequest(lveId, result.GetValue(user), result.GetValue(group), commandIndex, command)
            {
                Cgi = answersCgi,
                RetryAfter = retrySeconds,
            });
    }

    /// <summary>
    /// --help and --version, as System.CommandLine's own options behaved:
    /// of the two, the one whose first use comes later decides.  Help wins
    /// over any error; --version stands alone ("--" aside) or is an error.
    /// null when neither is given.
    /// </summary>
    private static ParsedCommandLine? HelpOrVersion(ParseResult result, Option help, Option version)
    {
        int helpAt = Given(result, help), versionAt = Given(result, version);
        if (helpAt >= 0 && helpAt > versionAt)
            return new ParsedCommandLine(CommandLineAction.Help);
        if (versionAt < 0)
            return null;
        foreach (SymbolResult child in result.CommandResult.Children)
            if (child is OptionResult { Implicit: false } given ? given.Option != version : child.Tokens.Count > 0)
                return new ParsedCommandLine(CommandLineAction.Error,
                    Error: Usage("--version option cannot be combined with other arguments."));
        return new ParsedCommandLine(CommandLineAction.Version);
    }

    /// <summary>Where <paramref name="option"/> was first given, as an index into the tokens; -1 if it was not.</summary>
    private static int Given(ParseResult result, Option option)
    {
        if (result.GetResult(option) is not { Implicit: false, IdentifierToken: { } first })
            return -1;
        IReadOnlyList<Token> tokens = result.Tokens;
        for (int i = 0; i < tokens.Count; i++)
            if (ReferenceEquals(tokens[i], first))
                return i;
        return -1;
    }

    /// <summary>
    /// Where LVE_ID stands in the arguments as given.  The tokenizer splits
    /// "--user=x", "-u:x" and "-ux" into two tokens, even after the operands
    /// have begun (so the captured values are not always the arguments as
    /// given, and lverun never uses them: the command's arguments are taken
    /// from argv by index).  Walk the arguments and the tokens side by side,
    /// each argument being one token or an option token and its value run
    /// together, up to the operands' first token.  -1 if they do not line up.
    /// </summary>
    private static int OperandStart(IReadOnlyList<string> args, ParseResult result, Argument operands)
    {
        IReadOnlyList<Token> tokens = result.Tokens;
        var operandTokens = result.GetResult(operands)?.Tokens;
        if (operandTokens is not { Count: > 0 })
            return -1;
        int first = -1;
        for (int i = 0; i < tokens.Count && first < 0; i++)
            if (ReferenceEquals(tokens[i], operandTokens[0]))
                first = i;
        int t = 0;
        for (int a = 0; a < args.Count; a++)
        {
            // "[x]" first: the tokenizer makes it a directive, which nothing
            // here declares; it stands where LVE_ID would, and is refused as
            // one (never dropped, so "lverun [x] 1001 true" does not run)
            if (t < tokens.Count && tokens[t].Type == TokenType.Directive && args[a] == tokens[t].Value)
                return a;
            if (t == first)
                return args[a] == tokens[t].Value ? a : -1;
            if (t >= tokens.Count)
                return -1;
            if (args[a] == tokens[t].Value)
            {
                t++;
                continue;
            }
            bool joined = tokens[t].Type == TokenType.Option && t + 1 < tokens.Count && t + 1 != first &&
                (args[a] == tokens[t].Value + "=" + tokens[t + 1].Value ||
                 args[a] == tokens[t].Value + ":" + tokens[t + 1].Value ||
                 args[a] == tokens[t].Value + tokens[t + 1].Value);
            if (!joined)
                return -1;
            t += 2;
        }
        return -1;
    }

    private static LaunchFailure Usage(string why) => new(ExitCode.Failed, "usage", why + " (see lverun --help)");
}
