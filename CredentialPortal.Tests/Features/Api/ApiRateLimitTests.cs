using System.Net;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Api;

/// <summary>Api:PermitsPerMinute requests per token and minute; more answer 429 with Retry-After.</summary>
public sealed class ApiRateLimitTests : IAsyncLifetime
{
    private readonly ApiHost host = new(new Dictionary<string, string?> { ["Api:PermitsPerMinute"] = "3" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_token_over_its_limit_gets_429_with_Retry_After_and_another_token_is_not_held_up()
    {
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await host.Client.GetAsync("/api/v1/token");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await host.Client.GetAsync("/api/v1/token");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        await ApiAuthenticationTests.AssertProblemAsync(refused, 429, "Too many requests with this token");

        using var other = host.CreateApiClient(await host.CreateTokenAsync());
        using var otherResponse = await other.GetAsync("/api/v1/token");
        Assert.Equal(HttpStatusCode.OK, otherResponse.StatusCode);
    }
}
