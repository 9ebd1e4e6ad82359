// SPDX-License-Identifier: MIT
using System.Linq;
using System.Text;
using FluentAssertions;
using Lve.Interop;
using LveRun;
using Xunit;

namespace Lve.Tests;

/// <summary>SECURITY.md rule 14: the environment a caller other than root may hand its command.</summary>
public class EnvironmentWhitelistTests
{
    [Theory]
    [InlineData("GATEWAY_INTERFACE=CGI/1.1")]
    [InlineData("QUERY_STRING=a=b&c")]
    [InlineData("REQUEST_METHOD=GET")]
    [InlineData("SCRIPT_FILENAME=/home/web1/public_html/index.php")]
    [InlineData("REDIRECT_STATUS=200")]
    [InlineData("REDIRECT_HTTPS=on")]
    [InlineData("REDIRECT_REDIRECT_UNIQUE_ID=x")]
    [InlineData("HTTPS=on")]
    [InlineData("HTTP_HOST=example.org")]
    [InlineData("HTTP_X_FORWARDED_FOR=192.0.2.1")]
    [InlineData("HTTP_COOKIE=a=(b)")]
    [InlineData("SSL_CLIENT_S_DN=CN=x")]
    [InlineData("PHP_FCGI_CHILDREN=0")]
    [InlineData("PHP_FCGI_MAX_REQUESTS=500")]
    [InlineData("LANG=de_DE.UTF-8")]
    [InlineData("LC_ALL=C")]
    [InlineData("LANGUAGE=de:en")]
    [InlineData("TERM=xterm-256color")]
    [InlineData("TZ=Europe/Berlin")]
    [InlineData("TZ=:Europe/Berlin")]
    [InlineData("TZ=UTC0")]
    [InlineData("TZ=/usr/share/zoneinfo/UTC")]
    [InlineData("COLUMNS=80")]
    [InlineData("QUERY_STRING=")]
    public void Passed_on(string entry) => TargetEnvironment.IsPassedOn(Encoding.UTF8.GetBytes(entry)).Should().BeTrue();

    [Theory]
    [InlineData("LD_PRELOAD=/tmp/x.so")]
    [InlineData("LD_LIBRARY_PATH=/tmp")]
    [InlineData("DOTNET_gcServer=1")]
    [InlineData("COMPlus_EnableDiagnostics=1")]
    [InlineData("BASH_ENV=/tmp/rc")]
    [InlineData("ENV=/tmp/rc")]
    [InlineData("PERL5LIB=/tmp")]
    [InlineData("PERL5OPT=-Mx")]
    [InlineData("PYTHONPATH=/tmp")]
    [InlineData("PYTHONHOME=/tmp")]
    [InlineData("NODE_OPTIONS=--require /tmp/x.js")]
    [InlineData("GCONV_PATH=/tmp")]
    [InlineData("PHPRC=/tmp/php.ini")]
    [InlineData("PHP_INI_SCAN_DIR=/tmp")]
    [InlineData("GLIBC_TUNABLES=x")]
    [InlineData("HOME=/root")]
    [InlineData("USER=root")]
    [InlineData("LOGNAME=root")]
    [InlineData("PATH=/tmp")]
    [InlineData("SHELL=/tmp/sh")]
    [InlineData("IFS=x")]
    [InlineData("TMPDIR=/tmp")]
    [InlineData("LIBLVE_CGROUP_PARENT=x")]
    [InlineData("HTTP_PROXY=http://evil:3128")]
    [InlineData("REDIRECT_HTTP_PROXY=http://evil:3128")]
    [InlineData("SSL_CERT_FILE=/tmp/ca.pem")]
    [InlineData("SSL_CERT_DIR=/tmp")]
    [InlineData("HTTP_COOKIE=() { :; }; echo pwned")]
    [InlineData("QUERY_STRING=() { :;}")]
    [InlineData("LANG=../../tmp/x")]
    [InlineData("LC_CTYPE=/tmp/x")]
    [InlineData("LANGUAGE=de:../x")]
    [InlineData("TERM=/tmp/terminfo")]
    [InlineData("TZ=/etc/shadow")]
    [InlineData("TZ=:/etc/shadow")]
    [InlineData("TZ=../../etc/shadow")]
    [InlineData("TZ=/usr/share/zoneinfo/../../../etc/shadow")]
    [InlineData("HTTP_=x")]
    [InlineData("LC_=x")]
    [InlineData("http_host=x")]
    [InlineData("HTTP-HOST=x")]
    [InlineData("1HTTP_X=x")]
    [InlineData("=x")]
    [InlineData("QUERY_STRING")]
    [InlineData("REDIRECT_=x")]
    public void Not_passed_on(string entry) => TargetEnvironment.IsPassedOn(Encoding.UTF8.GetBytes(entry)).Should().BeFalse();

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void PATH_first_then_the_kept_entries_in_order_the_first_of_each_name_then_the_account()
    {
        var account = new PasswdEntry(B("web1"), 1001, 1001, B("/home/web1"));
        byte[][] caller = [B("PATH=/tmp"), B("TZ=/etc/shadow"), B("QUERY_STRING=a"), B("LD_PRELOAD=x"), B("TZ=UTC"),
            B("QUERY_STRING=b"), B("HOME=/root"), B("REQUEST_METHOD=GET"), B("NOEQUALS")];
        TargetEnvironment environment = TargetEnvironment.Whitelisted(caller, account);
        environment.Entries.Select(Encoding.UTF8.GetString).Should().Equal(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "QUERY_STRING=a", "REQUEST_METHOD=GET",
            "HOME=/home/web1", "USER=web1", "LOGNAME=web1");
    }

    [Fact]
    public void Without_an_account_no_HOME_USER_LOGNAME()
    {
        TargetEnvironment environment = TargetEnvironment.Whitelisted([B("HOME=/root"), B("LANG=C")], null);
        environment.Entries.Select(Encoding.UTF8.GetString).Should().Equal(
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C");
    }
}
