using System.Net;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Api;

public sealed class ApiBodyLimitTests : IAsyncLifetime
{
    private readonly ApiHost host = new(new Dictionary<string, string?> { ["Api:MaxRequestBodyBytes"] = "4096" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_anything_reads_it()
    {
        var json = "{\"name\": \"" + new string('a', 5000) + "\"}";
        using var response = await host.Client.PostAsync("/api/v1/partners",
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ApiAuthenticationTests.AssertProblemAsync(response, 413, "larger than 4096 bytes");
    }
}
