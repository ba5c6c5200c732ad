using System.Net;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>Which client a log-in attempt counts against.</summary>
public sealed class LoginRateLimitingTests
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)] // one /64: one host, one client
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("203.0.113.5", "::ffff:203.0.113.5", true)]
    [InlineData("203.0.113.5", "203.0.113.6", false)]
    public void An_IPv6_client_counts_by_its_64_prefix_and_an_IPv4_client_by_its_address(string first, string second, bool same)
    {
        Assert.Equal(same, LoginRateLimiting.ClientKey(From(first)) == LoginRateLimiting.ClientKey(From(second)));
    }

    private static HttpContext From(string address) =>
        new DefaultHttpContext { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };
}
