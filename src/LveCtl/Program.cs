// SPDX-License-Identifier: MIT
using System;
using System.IO;
using System.Text;
using Lve.Interop;

namespace LveCtl;

internal static class Program
{
    /// <summary>
    /// Every failure becomes one line on stderr, "lvectl: what: why", and a
    /// documented exit status (ExitCode), never a stack trace.
    /// </summary>
    private static int Main(string[] args)
    {
        Stream stdout = Console.OpenStandardOutput();
        var output = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        var error = new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { NewLine = "\n", AutoFlush = true };
        try
        {
            return CommandLine.Run(args, stdout, output, error);
        }
        catch (CtlFailure e)
        {
            error.WriteLine("lvectl: " + e.What + ": " + e.Why);
            return e.ExitCode;
        }
        catch (NativeCallException e)
        {
            error.WriteLine("lvectl: " + e.Call + ": " + Errno.Describe(e.Errno));
            return ExitCode.Partial;
        }
        catch (IOException e)
        {
            error.WriteLine("lvectl: " + e.Message);
            return ExitCode.Partial;
        }
        catch (Exception e)
        {
            error.WriteLine("lvectl: internal error: " + e.GetType().Name + ": " + e.Message);
            return ExitCode.Partial;
        }
        finally
        {
            try
            {
                output.Flush();
            }
            catch (IOException)
            {
                // stdout closed (lvectl list | head): nothing more to say
            }
        }
    }
}
