// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Linq;
using Lve.Interop;

namespace LveCtl;

/// <summary>
/// lvectl's commands, parsed with System.CommandLine.  The limit options
/// (--speed, --pmem, ...) are made from liblve's limits table: a limit added
/// there is an option here, with its unit's syntax (LveLimit.Parse), with no
/// change to this file.  A parse error is one line and exit status 2;
/// --help on every command.
/// </summary>
public static class CommandLine
{
    public static int Run(string[] args, Stream stdout, TextWriter output, TextWriter error)
    {
        var config = new Option<string>("--config")
        {
            Description = "the configuration file (default: $LIBLVE_CONF, else " + BuildInfo.ConfigPath + ")",
            HelpName = "FILE",
            Recursive = true,
        };
        var root = new RootCommand("lvectl: set, keep and watch the limits of LVEs (per-account resource containers)")
        {
            config,
        };
        root.Directives.Clear();
        HelpOption help = root.Options.OfType<HelpOption>().Single();
        help.Aliases.Remove("/h");
        help.Aliases.Remove("/?");
        // "lvectl 0.2.0", as lverun says "lverun 0.2.0"
        root.Options.OfType<VersionOption>().Single().Action = new NamedVersion(output);

        Func<ParseResult, Session> session = r => Open(r.GetValue(config), stdout, output, error);

        // set ID [LIMITS]
        var setId = IdArgument("ID", "the LVE (by convention the account's uid)");
        var setLimits = LimitOptions();
        var set = new Command("set", "configure LVE ID's own limits and apply them now (the LVE is made if missing)") { setId };
        AddAll(set, setLimits);
        set.SetAction(r => With(session(r), s => Admin.Set(s, Id(r, setId), null, Limits(r, setLimits))));

        // set-user USER [LIMITS]
        var user = new Argument<string>("USER") { Description = "a user name: the LVE whose id is its uid" };
        var userLimits = LimitOptions();
        var setUser = new Command("set-user", "set for the LVE whose id is USER's uid, and note USER in the configuration") { user };
        AddAll(setUser, userLimits);
        setUser.SetAction(r => With(session(r), s =>
        {
            string name = r.GetValue(user)!;
            Admin.Set(s, Admin.UidOf(name), name, Limits(r, userLimits));
        }));

        // default [LIMITS]
        var defaultLimits = LimitOptions();
        var @default = new Command("default",
            "set the limits of LVEs that have none of their own (without LIMITS: show them, configured and applied)");
        AddAll(@default, defaultLimits);
        @default.SetAction(r => With(session(r), s =>
        {
            LveLimits limits = Limits(r, defaultLimits);
            if (limits.Mask == 0)
                Reports.Defaults(s);
            else
                Admin.Default(s, limits);
        }));

        // unset ID [LIMIT...]
        var unsetId = IdArgument("ID", "the LVE");
        var unsetNames = new Argument<string[]>("LIMIT")
        {
            Description = "limits to take back to the defaults (" + string.Join(", ", LveLimit.All.Select(l => l.Name)) +
                "); none: all of them, and the LVE leaves the configuration",
            Arity = ArgumentArity.ZeroOrMore,
        };
        unsetNames.Validators.Add(r =>
        {
            foreach (Token t in r.Tokens)
                if (LveLimit.FindAnySpelling(t.Value) == null)
                    r.AddError("'" + t.Value + "' is not a limit (limits: " + string.Join(", ", LveLimit.All.Select(l => l.Name)) + ")");
        });
        var unset = new Command("unset", "take LVE ID's limits (all, or the LIMITs named) back to the defaults") { unsetId, unsetNames };
        unset.SetAction(r => With(session(r), s => Admin.Unset(s, Id(r, unsetId),
            (r.GetValue(unsetNames) ?? []).Select(n => LveLimit.FindAnySpelling(n)!).Distinct().ToList())));

        // limits [ID...] [--json]
        var limitsIds = IdsArgument("the LVEs (default: every configured or existing one)");
        var limitsJson = JsonOption();
        var limits = new Command("limits", "show the limits per LVE: configured, and as the kernel has them") { limitsIds, limitsJson };
        limits.SetAction(r => With(session(r), s => Reports.Limits(s, Ids(r, limitsIds), r.GetValue(limitsJson))));

        // list [--json]
        var listJson = JsonOption();
        var list = new Command("list", "every LVE that exists now: limits, usage, configured or not") { listJson };
        list.SetAction(r => With(session(r), s => Reports.List(s, r.GetValue(listJson))));

        // apply [ID... | --all]
        var applyIds = IdsArgument("the LVEs to apply");
        var applyAll = new Option<bool>("--all")
        {
            Description = "the whole configuration: the defaults, every configured LVE (made if missing), and the defaults " +
                "for every other LVE that exists",
        };
        var apply = new Command("apply", "make the kernel match the configuration (idempotent)") { applyIds, applyAll };
        apply.Validators.Add(r => OneOf(r, applyIds, applyAll, "apply"));
        apply.SetAction(r => With(session(r), s =>
        {
            if (r.GetValue(applyAll))
                Admin.ApplyAll(s);
            else
                Admin.Apply(s, Ids(r, applyIds));
        }));

        // destroy ID... | --all
        var destroyIds = IdsArgument("the LVEs to remove");
        var destroyAll = new Option<bool>("--all") { Description = "every LVE that exists (busy ones stay)" };
        var destroy = new Command("destroy",
            "remove empty LVEs; a busy one is reported and left as it is (never killed); the configuration is unchanged")
            { destroyIds, destroyAll };
        destroy.Validators.Add(r => OneOf(r, destroyIds, destroyAll, "destroy"));
        destroy.SetAction(r => With(session(r), s => Admin.Destroy(s, r.GetValue(destroyAll) ? null : Ids(r, destroyIds))));

        // usage [ID...] [--json] [--interval SECONDS]
        var usageIds = IdsArgument("the LVEs (default: every one that exists)");
        var usageJson = JsonOption();
        var usageInterval = IntervalOption("measure the rates (CPU %, IO per second) over SECONDS; without it they are null");
        var usage = new Command("usage", "what each LVE uses: CPU, memory, processes, entries, IO, and its faults per limit")
            { usageIds, usageJson, usageInterval };
        usage.SetAction(r => With(session(r), s => Reports.Usage(s, Ids(r, usageIds), r.GetValue(usageJson), r.GetValue(usageInterval))));

        // top [--sort KEY] [--interval SECONDS]
        var sort = new Option<string>("--sort", "-s")
        {
            Description = "the order, heaviest first: " + string.Join(", ", TopView.SortKeys),
            DefaultValueFactory = _ => "cpu",
            HelpName = "KEY",
        };
        sort.AcceptOnlyFromAmong(TopView.SortKeys);
        var topInterval = IntervalOption("seconds between refreshes (default 2)");
        var iterations = new Option<int>("--iterations", "-n")
        {
            Description = "stop after N refreshes (default: until q, or for ever when stdout is not a terminal)",
            HelpName = "N",
        };
        iterations.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--iterations takes a number from 1");
        });
        var top = new Command("top", "a live view of the LVEs, heaviest first, like top(1): q quits; plain periodic output " +
            "when stdout is not a terminal") { sort, topInterval, iterations };
        top.SetAction(r => With(session(r), s => TopView.Run(s, r.GetValue(sort)!, r.GetValue(topInterval) ?? 2,
            r.GetResult(iterations) != null ? r.GetValue(iterations) : null)));

        // check [--json]
        var checkJson = JsonOption();
        var check = new Command("check", "can this host enforce each limit? cgroup v1/v2, controllers, io knobs, delegation, " +
            "favordynmods") { checkJson };
        check.SetAction(r => With(session(r), s => HostCheck.Run(s, r.GetValue(checkJson))));

        foreach (Command c in new[] { set, setUser, @default, unset, limits, list, apply, destroy, usage, top, check })
            root.Subcommands.Add(c);

        if (args.Length == 0)
            throw new CtlFailure(ExitCode.Usage, "usage", "no command (see lvectl --help)");
        var parsing = new ParserConfiguration { ResponseFileTokenReplacer = null };
        ParseResult result = root.Parse(args, parsing);
        if (result.CommandResult.Command == root && result.UnmatchedTokens.Count == 0 && result.Action is not HelpAction &&
            result.GetResult(root.Options.OfType<VersionOption>().Single()) == null)
            throw new CtlFailure(ExitCode.Usage, "usage", "no command (see lvectl --help)");
        if (result.UnmatchedTokens.Count > 0)
        {
            string where = result.CommandResult.Command == root ? "lvectl" : "lvectl " + result.CommandResult.Command.Name;
            throw new CtlFailure(ExitCode.Usage, "usage", "unrecognized argument '" + result.UnmatchedTokens[0] + "' (see " + where + " --help)");
        }
        if (result.Errors.Count > 0)
        {
            string command = result.CommandResult.Command == root ? "lvectl" : "lvectl " + result.CommandResult.Command.Name;
            throw new CtlFailure(ExitCode.Usage, "usage", result.Errors[0].Message + " (see " + command + " --help)");
        }
        if (result.Action == null)
            throw new CtlFailure(ExitCode.Usage, "usage", "no command (see lvectl --help)");
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        int status = result.Invoke(invocation);
        output.Flush();
        return status;
    }

    /// <summary>The session for a command: the configuration path agreed with liblve, root checked.</summary>
    private static Session Open(string? configOption, Stream stdout, TextWriter output, TextWriter error)
    {
        string path = configOption ?? (Environment.GetEnvironmentVariable("LIBLVE_CONF") is { Length: > 0 } env ? env : BuildInfo.ConfigPath);
        if (path.Length == 0 || path.Contains('\0'))
            throw new CtlFailure(ExitCode.Usage, "--config", "not a file name");
        path = Path.GetFullPath(path);
        if (!Environment.IsPrivilegedProcess)
            throw new CtlFailure(ExitCode.Usage, "lvectl", "needs root: the configuration and the LVEs are root's");
        // liblve takes the LVE parent from the same file (native/src/config.c):
        // name it before liblve first looks (the instance is made later).
        int errno = Libc.SetEnvironment("LIBLVE_CONF", path);
        if (errno != 0)
            throw new CtlFailure(ExitCode.Usage, "setenv LIBLVE_CONF", Errno.Describe(errno));
        return new Session(path, stdout, output, error);
    }

    private static int With(Session s, Action<Session> body)
    {
        using (s)
        {
            body(s);
            s.Out.Flush();
            return s.Status;
        }
    }

    private static List<(LveLimit Limit, Option<ulong> Option)> LimitOptions()
    {
        var options = new List<(LveLimit, Option<ulong>)>();
        foreach (LveLimit limit in LveLimit.All)
        {
            var option = new Option<ulong>("--" + limit.OptionName)
            {
                Description = limit.Summary + " (" + UnitHint(limit) + limit.Range() + ")",
                HelpName = "VALUE",
                CustomParser = r =>
                {
                    string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                    if (limit.TryParse(text, out ulong value, out string? why))
                        return value;
                    r.AddError(why!);
                    return 0;
                },
            };
            options.Add((limit, option));
        }
        return options;
    }

    private static string UnitHint(LveLimit limit) => limit.Unit switch
    {
        LveUnit.Percent => "% of one core, 150% = one and a half; ",
        LveUnit.Bytes => "bytes with K, M, G or T: 512M, 2G; ",
        LveUnit.BytesPerSecond => "bytes per second with K, M, G or T: 10M; ",
        LveUnit.OperationsPerSecond => "per second; ",
        LveUnit.Weight => "relative weight; ",
        _ => "",
    };

    private static void AddAll(Command command, List<(LveLimit Limit, Option<ulong> Option)> options)
    {
        foreach (var (_, option) in options)
            command.Options.Add(option);
    }

    private static LveLimits Limits(ParseResult r, List<(LveLimit Limit, Option<ulong> Option)> options)
    {
        LveLimits limits = LveLimits.None;
        foreach (var (limit, option) in options)
            if (r.GetResult(option) is { Implicit: false })
                limits = limits.With(limit, r.GetValue(option));
        return limits;
    }

    private static Argument<string> IdArgument(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description };
        argument.Validators.Add(r =>
        {
            string text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (!IdNumber.TryParse(text, out _))
                r.AddError("'" + text + "' is " + LveId.Problem(text));
        });
        return argument;
    }

    private static Argument<string[]> IdsArgument(string description)
    {
        var argument = new Argument<string[]>("ID") { Description = description, Arity = ArgumentArity.ZeroOrMore };
        argument.Validators.Add(r =>
        {
            foreach (Token t in r.Tokens)
                if (!IdNumber.TryParse(t.Value, out _))
                    r.AddError("'" + t.Value + "' is " + LveId.Problem(t.Value));
        });
        return argument;
    }

    private static uint Id(ParseResult r, Argument<string> argument)
    {
        IdNumber.TryParse(r.GetValue(argument)!, out uint id);
        return id;
    }

    private static List<uint> Ids(ParseResult r, Argument<string[]> argument) =>
        (r.GetValue(argument) ?? []).Select(t =>
        {
            IdNumber.TryParse(t, out uint id);
            return id;
        }).Distinct().ToList();

    private static Option<bool> JsonOption() =>
        new("--json", "-j") { Description = "JSON, with the keys lvectl(8) documents" };

    private static Option<double?> IntervalOption(string description)
    {
        var option = new Option<double?>("--interval", "-i") { Description = description, HelpName = "SECONDS" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is not (>= 0.1 and <= 3600))
                r.AddError("--interval takes seconds from 0.1 to 3600");
        });
        return option;
    }

    private static void OneOf(CommandResult r, Argument<string[]> ids, Option<bool> all, string command)
    {
        bool hasIds = r.GetResult(ids) is { Tokens.Count: > 0 };
        bool hasAll = r.GetResult(all) is { Implicit: false } && r.GetValue(all);
        if (hasIds == hasAll)
            r.AddError(command + " takes LVE ids or --all, one of the two");
    }
}

/// <summary>--version: the program's name and version, one line.</summary>
internal sealed class NamedVersion(TextWriter output) : System.CommandLine.Invocation.SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        output.WriteLine("lvectl " + BuildInfo.Version);
        return 0;
    }
}
