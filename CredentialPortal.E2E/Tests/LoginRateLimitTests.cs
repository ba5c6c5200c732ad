using System.Net;
using CredentialPortal.E2E.Infrastructure;

namespace CredentialPortal.E2E.Tests;

/// <summary>Log-in posts are limited per client address (all accounts) and per account from one client (Login:*).</summary>
[Collection(PortalCollection.Name)]
public sealed class LoginRateLimitTests
{
    private static readonly IPAddress OtherClient = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task One_client_over_its_per_minute_limit_gets_429_and_another_client_does_not()
    {
        await using var app = PortalApplication.Start(settings: new Dictionary<string, string>
        {
            ["Login:ClientAttemptsPerMinute"] = "3",
        });
        using var client = new PortalHttpClient(app);
        using var other = new PortalHttpClient(app, OtherClient);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var allowed = await client.LogInAsync($"guess{attempt}@portal.test", "wrong-password");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var refused = await client.LogInAsync("guess4@portal.test", "wrong-password");
        using var elsewhere = await other.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
    }

    [Fact]
    public async Task One_account_over_its_per_minute_limit_from_one_client_gets_429_other_accounts_and_clients_do_not()
    {
        await using var app = PortalApplication.Start(settings: new Dictionary<string, string>
        {
            ["Login:AccountAttemptsPerMinute"] = "2",
        });
        using var client = new PortalHttpClient(app);
        using var other = new PortalHttpClient(app, OtherClient);

        using (var first = await client.LogInAsync(PortalApplication.AdminEmail, "wrong-password-1"))
        using (var second = await client.LogInAsync(PortalApplication.AdminEmail, "wrong-password-2"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }
        using var refused = await client.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);
        using var otherAccount = await client.LogInAsync("someone.else@portal.test", "wrong-password");
        using var otherClient = await other.LogInAsync(PortalApplication.AdminEmail, PortalApplication.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("Too many log-in attempts", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, otherAccount.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, otherClient.StatusCode);
    }

    [Fact]
    public async Task Behind_a_known_proxy_clients_count_by_their_forwarded_address_and_elsewhere_the_header_is_ignored()
    {
        var limit = new Dictionary<string, string> { ["Login:ClientAttemptsPerMinute"] = "2" };
        await using (var proxied = PortalApplication.Start(settings: new Dictionary<string, string>(limit)
        {
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
        }))
        {
            using var first = new PortalHttpClient(proxied);
            using var second = new PortalHttpClient(proxied);
            first.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.5");
            second.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.6");

            Assert.Equal(HttpStatusCode.OK, await StatusAsync(first, "a@portal.test"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(first, "b@portal.test"));
            Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(first, "c@portal.test"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(second, "d@portal.test")); // another client behind the proxy
        }

        // Without a known proxy anyone could send the header: it changes nothing.
        await using var direct = PortalApplication.Start(settings: limit);
        using var spoofing = new PortalHttpClient(direct);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            spoofing.Http.DefaultRequestHeaders.Remove("X-Forwarded-For");
            spoofing.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{attempt}");
            var expected = attempt <= 2 ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests;
            Assert.Equal(expected, await StatusAsync(spoofing, $"guess{attempt}@portal.test"));
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(PortalHttpClient client, string email)
    {
        using var response = await client.LogInAsync(email, "wrong-password");
        return response.StatusCode;
    }
}
