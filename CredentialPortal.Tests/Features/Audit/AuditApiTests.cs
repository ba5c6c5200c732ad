using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Features.Credentials.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Audit;

public sealed class AuditApiTests : IAsyncLifetime
{
    private const string Route = "/api/v1/audit";
    private const string Secret = "sk_live_audit_api_secret_0001";
    private const string NewSecret = "sk_live_audit_api_secret_0002";

    private readonly ApiHost host = new();
    private WebApplicationFactory<Program> app = default!;

    public Task InitializeAsync()
    {
        app = host.WithWebHostBuilder(_ => { });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await host.DisposeAsync();
    }

    private HttpClient Client(string? token = ApiHost.SeedToken)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    private async Task<(HttpStatusCode Status, string Raw)> GetAsync(string query, string? token = ApiHost.SeedToken)
    {
        using var client = Client(token);
        using var response = await client.GetAsync(Route + query);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> TokenAsync(string role, Guid? scope = null)
    {
        var created = await app.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(new ApiTokenInput($"{role} token", scope ?? HierarchyDefaults.PlatformId, null), "tests");
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Set<ApiToken>().Where(t => t.Id == created.Result.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Role, role));
        return created.Token!;
    }

    /// <summary>A credential made and then given a new name and secret through the API: two entries.</summary>
    private async Task<string> CredentialAsync()
    {
        using var client = Client();
        using var created = await client.PostAsync("/api/v1/webhook-credentials",
            CredentialApiFixture.Json(new { name = "Audited", type = "bearer_token", secret = Secret }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["credential_id"]!.ToString();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/webhook-credentials/{id}")
        {
            Content = CredentialApiFixture.Json(new { name = "Audited again", secret = NewSecret }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        using var updated = await client.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        return id;
    }

    [Fact]
    public async Task Lists_entries_newest_first_with_who_what_which_object_and_which_fields_and_never_a_secret()
    {
        var id = await CredentialAsync();

        var (status, raw) = await GetAsync($"?object_type=credential&object_id={id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(Secret, raw);
        Assert.DoesNotContain(NewSecret, raw);
        var body = JsonNode.Parse(raw)!;
        var items = body["items"]!.AsArray();
        Assert.Equal(["credential.edited", "credential.created"], items.Select(i => i!["action"]!.ToString()));
        var edited = items[0]!;
        Assert.Equal((ApiTokenService.SeedName, "credential", id, "Audited again"),
            (edited["actor"]!.ToString(), edited["object_type"]!.ToString(), edited["object_id"]!.ToString(), edited["object_name"]!.ToString()));
        Assert.NotNull(edited["at"]);
        var changes = edited["changes"]!.AsArray();
        var name = Assert.Single(changes, c => c!["field"]!.ToString() == "Name")!;
        Assert.Equal(("Audited", "Audited again", false), (name["from"]!.ToString(), name["to"]!.ToString(), name["secret"]!.GetValue<bool>()));
        var secret = Assert.Single(changes, c => c!["field"]!.ToString() == "Secret")!;
        Assert.Equal(("Secret changed", true), (secret["to"]!.ToString(), secret["secret"]!.GetValue<bool>()));
        Assert.Null(secret["from"]);
        Assert.Equal((1, 25, 2, false), (body["page"]!.GetValue<int>(), body["page_size"]!.GetValue<int>(), body["total"]!.GetValue<int>(),
            body["total_is_lower_bound"]!.GetValue<bool>()));
    }

    [Theory]
    [InlineData("?actor=a%00b")]
    [InlineData("?object_type=credential&object_id=%00")]
    public async Task A_filter_with_a_nul_character_matches_nothing(string query)
    {
        await CredentialAsync();

        // No entry holds U+0000, and PostgreSQL refuses it in text: it answered 500.
        var (status, raw) = await GetAsync(query);

        Assert.Equal(HttpStatusCode.OK, status);
        var body = JsonNode.Parse(raw)!;
        Assert.Empty(body["items"]!.AsArray());
        Assert.Equal(0, body["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Filters_by_actor_and_time_and_pages()
    {
        await CredentialAsync();

        var (_, byActor) = await GetAsync($"?actor={Uri.EscapeDataString(ApiTokenService.SeedName)}&page_size=1&page=2");
        var page = JsonNode.Parse(byActor)!;
        Assert.Equal("credential.created", Assert.Single(page["items"]!.AsArray())!["action"]!.ToString());
        Assert.Equal(2, page["total"]!.GetValue<int>());

        var (_, nobody) = await GetAsync("?actor=nobody%40example.com");
        Assert.Empty(JsonNode.Parse(nobody)!["items"]!.AsArray());

        var (_, future) = await GetAsync($"?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");
        Assert.Empty(JsonNode.Parse(future)!["items"]!.AsArray());
        var (_, past) = await GetAsync($"?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");
        Assert.Equal(2, JsonNode.Parse(past)!["items"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("?object_type=spaceship", "object_type")]
    [InlineData("?object_id=abc", "object_id")]
    [InlineData("?page=0", "page")]
    [InlineData("?page_size=101", "page_size")]
    [InlineData("?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    public async Task Bad_input_is_a_problem_naming_its_parameter(string query, string field)
    {
        var (status, raw) = await GetAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(JsonNode.Parse(raw)!["errors"]![field]);
    }

    [Fact]
    public async Task Only_an_administrators_platform_token_reads_the_trail()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("", token: null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("", await TokenAsync(PortalRoles.Editor))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("", await TokenAsync(PortalRoles.Viewer))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("", await TokenAsync(PortalRoles.Administrator, HierarchyDefaults.DefaultPartnerId))).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("", await TokenAsync(PortalRoles.Administrator))).Status);
    }

    [Fact]
    public async Task No_route_changes_or_deletes_an_entry()
    {
        await CredentialAsync();
        using var client = Client();
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, Route) { Content = CredentialApiFixture.Json("{}") });
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
        Assert.Equal(2, JsonNode.Parse((await GetAsync("")).Raw)!["total"]!.GetValue<int>());
    }
}
