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
}
