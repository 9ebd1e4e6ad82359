// SPDX-License-Identifier: MIT
using System.Globalization;

namespace LveRun;

/// <summary>
/// What lverun --cgi writes on stdout in place of the script's output: a CGI
/// response (RFC 3875, section 6) that the web server turns into the HTTP
/// answer.  Only a CGI program started for one request can answer this way
/// (plain CGI, suEXEC-style wrappers); a FastCGI process is long-lived and
/// speaks FastCGI on its socket, so there lverun's refusal stays a failure.
/// </summary>
public static class CgiAnswer
{
    /// <summary>
    /// 508 Resource Limit Is Reached: the account has as many requests in
    /// progress as its LVE allows (ep).  Retry-After tells clients and
    /// crawlers when to come back.
    /// </summary>
    public static string EntryLimitReached(uint retryAfter)
    {
        string seconds = retryAfter.ToString(CultureInfo.InvariantCulture);
        return "Status: 508 Resource Limit Is Reached\n" +
            "Retry-After: " + seconds + "\n" +
            "Content-Type: text/html\n" +
            "\n" +
            "<!DOCTYPE html>\n" +
            "<html><head><title>508 Resource Limit Is Reached</title></head>\n" +
            "<body><h1>Resource Limit Is Reached</h1>\n" +
            "<p>This site is serving as many requests as its plan allows. Please try again in " + seconds + " seconds.</p>\n" +
            "</body></html>\n";
    }
}
