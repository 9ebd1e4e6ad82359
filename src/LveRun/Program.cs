// SPDX-License-Identifier: MIT
using System;
using Lve.Interop;

namespace LveRun;

internal static class Program
{
    /// <summary>
    /// All of lverun runs under this one handler: every failure becomes one
    /// line on stderr and a documented exit code, never a stack trace.  On
    /// success lverun does not return: it has become the command.
    /// </summary>
    private static int Main(string[] args)
    {
        try
        {
            return Launcher.Run(args);
        }
        catch (LaunchFailure e)
        {
            Stdio.Error(e.What, e.Why);
            return e.ExitCode;
        }
        catch (NativeCallException e)
        {
            Stdio.Error(e.Call, Errno.Describe(e.Errno));
            return ExitCode.Failed;
        }
        catch (Exception e)
        {
            Stdio.Error("internal error", e.GetType().Name + ": " + e.Message);
            return ExitCode.Failed;
        }
    }
}
