using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Features.Api;

/// <summary>Who may call the REST API: a valid token, and nothing else (not the browser's log-in cookie).</summary>
public sealed partial class ApiAuthenticationTests : IAsyncLifetime
{
    private const string AdminEmail = "admin@portal.test";
    private const string AdminPassword = "Adm1n-Passw0rd!";

    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow); // the log-in cookie's expiry is read by the real client
    private readonly ApiHost host;

    public ApiAuthenticationTests() => host = new ApiHost(
        new Dictionary<string, string?> { ["Seed:AdminEmail"] = AdminEmail, ["Seed:AdminPassword"] = AdminPassword }, clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_seeded_token_authenticates_and_the_answer_is_snake_case_JSON()
    {
        using var response = await host.Client.GetAsync("/api/v1/token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ApiTokenService.SeedName, body.RootElement.GetProperty("name").GetString());
        var scope = body.RootElement.GetProperty("scope");
        Assert.Equal("platform", scope.GetProperty("entity_type").GetString());
        Assert.Equal(HierarchyDefaults.PlatformId, scope.GetProperty("entity_id").GetGuid());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("expires_at").ValueKind);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_with_a_Bearer_challenge_and_a_problem()
    {
        using var client = host.CreateApiClient(null);
        using var response = await client.GetAsync("/api/v1/token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
        await AssertProblemAsync(response, 401, "Authorization: Bearer");
    }

    [Theory]
    [InlineData("Bearer cpt_not-a-token-anyone-made")]
    [InlineData("Bearer ")]
    [InlineData("Basic YWRtaW46cGFzc3dvcmQ=")]
    [InlineData("cpt_without-the-scheme")]
    public async Task An_unknown_or_malformed_token_is_401_invalid_token(string authorization)
    {
        using var client = host.CreateApiClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/token");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().ToString());
        await AssertProblemAsync(response, 401, "");
    }

    [Fact]
    public async Task An_expired_token_is_401_invalid_token_from_the_moment_it_expires()
    {
        var token = await host.CreateTokenAsync(expiresUtc: clock.GetUtcNow().UtcDateTime.AddDays(1));
        using var client = host.CreateApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/token")).StatusCode);

        clock.Advance(TimeSpan.FromDays(1));
        using var response = await client.GetAsync("/api/v1/token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().ToString());
        await AssertProblemAsync(response, 401, "The token has expired.");
    }

    [Fact]
    public async Task A_revoked_token_is_401_on_the_very_next_request()
    {
        var token = await host.CreateTokenAsync();
        using var client = host.CreateApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/token")).StatusCode);

        var tokens = host.Service<ApiTokenService>();
        await tokens.RevokeAsync((await tokens.ListAsync()).Single(t => t.Name == "Test token").Id);
        using var response = await client.GetAsync("/api/v1/token");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertProblemAsync(response, 401, "The token has been revoked.");
    }

    [Fact]
    public async Task The_browsers_log_in_cookie_does_not_authenticate_the_API()
    {
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await LogInAsync(browser);
        // The cookie is good for the portal's pages...
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/integrations/webhook-credentials")).StatusCode);

        // ...and worth nothing to the API, from the portal's own origin or not.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/token");
        request.Headers.Add("Origin", browser.BaseAddress!.GetLeftPart(UriPartial.Authority));
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
    }

    [Fact]
    public async Task An_unknown_API_route_is_a_404_problem_not_the_portals_HTML_page()
    {
        using var response = await host.Client.GetAsync("/api/v1/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemAsync(response, 404, "");
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detailPart)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        if (detailPart.Length > 0)
        {
            Assert.Contains(detailPart, problem.RootElement.GetProperty("detail").GetString());
        }
    }

    private static async Task LogInAsync(HttpClient browser)
    {
        var html = await browser.GetStringAsync("/Account/Login");
        var form = HiddenInput().Matches(html).ToDictionary(
            m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        form["Input.Email"] = AdminEmail;
        form["Input.Password"] = AdminPassword;
        using var response = await browser.PostAsync("/Account/Login", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();
}
