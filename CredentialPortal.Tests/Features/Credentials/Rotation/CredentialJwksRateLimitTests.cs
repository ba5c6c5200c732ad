using CredentialPortal.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Credentials.Rotation;

/// <summary>The anonymous JWKS URL is rate limited per client address (Jwks:PermitsPerMinute), like the log-in pages.</summary>
public sealed class CredentialJwksRateLimitTests : IAsyncLifetime
{
    private readonly ApiHost host = new(new Dictionary<string, string?> { ["Jwks:PermitsPerMinute"] = "3" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Requests_past_the_limit_answer_429_with_retry_after_as_a_problem()
    {
        using var anonymous = host.CreateApiClient(null);
        var path = "/" + CredentialJwksEndpoint.PathOf(Guid.NewGuid());

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await anonymous.GetAsync(path);
            Assert.Equal(404, (int)allowed.StatusCode);
        }
        using var refused = await anonymous.GetAsync(path);

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }
}
