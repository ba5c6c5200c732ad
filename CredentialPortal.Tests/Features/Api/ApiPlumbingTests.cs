using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using CredentialPortal.Features.Api;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Api;

/// <summary>What every route of the API gets from the group: named errors for unreadable bodies, scope checks, no CSRF gate.</summary>
public sealed class ApiPlumbingTests : IAsyncLifetime
{
    private ApiTestApp app = null!;

    public sealed record EchoRequest(string Name, int Count);

    public async Task InitializeAsync() => app = await ApiTestApp.StartAsync(test =>
    {
        test.MapPost("/echo", (EchoRequest request) => TypedResults.Ok(request));
        test.MapGet("/entities/{id:guid}", async (Guid id, ClaimsPrincipal user, HierarchyService hierarchy) =>
            await ApiScope.EnsureCoversAsync(user, id, hierarchy) ?? TypedResults.Ok(new { id }));
    });

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_script_posts_JSON_without_Origin_or_antiforgery_token_and_reads_snake_case()
    {
        using var response = await app.Client.PostAsync("/api/v1/test/echo", Json("""{"name": "a", "count": 2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"name":"a","count":2}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("""{"name": "a", "count": 2""", "Path: $")]
    [InlineData("""{"name": "a", "count": "two"}""", "$.count")]
    [InlineData("<echo/>", "'<' is an invalid start of a value")]
    public async Task Malformed_JSON_is_a_400_problem_that_names_what_is_wrong(string body, string named)
    {
        using var response = await app.Client.PostAsync("/api/v1/test/echo", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ApiAuthenticationTests.AssertProblemAsync(response, 400, named);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_415_problem()
    {
        using var response = await app.Client.PostAsync("/api/v1/test/echo", new StringContent("name=a", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ApiAuthenticationTests.AssertProblemAsync(response, 415, "");
    }

    [Fact]
    public async Task A_token_reaches_its_scope_and_below_and_gets_403_elsewhere()
    {
        var hierarchy = app.Services.GetRequiredService<HierarchyService>();
        var other = await CreatePartnerAsync(hierarchy, "Other");
        var created = await app.Services.GetRequiredService<ApiTokenService>().CreateAsync(
            new ApiTokenInput("Default partner only", HierarchyDefaults.DefaultPartnerId, null), "tests");
        using var client = app.App.GetTestClientWith(created.Token!);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/test/entities/{HierarchyDefaults.DefaultPartnerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/test/entities/{HierarchyDefaults.DefaultWorkspaceId}")).StatusCode);
        using var outside = await client.GetAsync($"/api/v1/test/entities/{other}");
        using var above = await client.GetAsync($"/api/v1/test/entities/{HierarchyDefaults.PlatformId}");

        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        await ApiAuthenticationTests.AssertProblemAsync(outside, 403, ApiScope.OutsideScope);
        Assert.Equal(HttpStatusCode.Forbidden, above.StatusCode);
        // The seeded Platform-scope token reaches everything.
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/api/v1/test/entities/{other}")).StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<Guid> CreatePartnerAsync(HierarchyService hierarchy, string name)
    {
        var created = await hierarchy.CreateAsync(HierarchyLevel.Partner, name, HierarchyDefaults.PlatformId);
        Assert.True(created.Succeeded);
        return created.Id;
    }
}

internal static class TestClients
{
    public static HttpClient GetTestClientWith(this WebApplication app, string token)
    {
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
