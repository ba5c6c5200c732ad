using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Hierarchy;

/// <summary>The entity routes: create, read, list and delete partners, organizations and workspaces, and the platform.</summary>
public sealed class HierarchyApiTests : IAsyncLifetime
{
    private readonly ApiHost host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await host.DisposeAsync();

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    internal static async Task<Guid> CreateAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, Json(json));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("id").GetGuid();
    }

    internal static async Task<(Guid Partner, Guid Organization, Guid Workspace)> ChainAsync(HttpClient client, string partner = "Acme")
    {
        var p = await CreateAsync(client, "/api/v1/partners", $$"""{"name": "{{partner}}"}""");
        var o = await CreateAsync(client, "/api/v1/organizations", $$"""{"name": "Europe", "partner_id": "{{p}}"}""");
        var w = await CreateAsync(client, "/api/v1/workspaces", $$"""{"name": "Ops", "organization_id": "{{o}}"}""");
        return (p, o, w);
    }

    [Fact]
    public async Task The_platform_answers_its_id()
    {
        using var response = await host.Client.GetAsync("/api/v1/platform");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(HierarchyDefaults.PlatformId, body.GetProperty("id").GetGuid());
        Assert.Equal("Platform", body.GetProperty("name").GetString());
        Assert.Equal("platform", body.GetProperty("entity_type").GetString());
    }

    [Fact]
    public async Task Entities_are_created_with_201_and_their_location_and_read_back()
    {
        using var created = await host.Client.PostAsync("/api/v1/partners", Json("""{"name": "Acme"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var partner = await ReadAsync(created);
        var partnerId = partner.GetProperty("id").GetGuid();
        Assert.Equal("Acme", partner.GetProperty("name").GetString());
        Assert.Equal("partner", partner.GetProperty("entity_type").GetString());
        Assert.Equal(HierarchyDefaults.PlatformId, partner.GetProperty("parent_id").GetGuid());
        Assert.Equal($"/api/v1/partners/{partnerId}", created.Headers.Location!.OriginalString);

        using var organization = await host.Client.PostAsync("/api/v1/organizations", Json($$"""{"name": "Europe", "partner_id": "{{partnerId}}"}"""));
        Assert.Equal(HttpStatusCode.Created, organization.StatusCode);
        var organizationBody = await ReadAsync(organization);
        Assert.Equal(partnerId, organizationBody.GetProperty("partner_id").GetGuid());
        var organizationId = organizationBody.GetProperty("id").GetGuid();

        using var workspace = await host.Client.PostAsync("/api/v1/workspaces", Json($$"""{"name": "Ops", "organization_id": "{{organizationId}}"}"""));
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceId = (await ReadAsync(workspace)).GetProperty("id").GetGuid();

        var read = await ReadAsync(await host.Client.GetAsync($"/api/v1/workspaces/{workspaceId}"));
        Assert.Equal(("Ops", organizationId, false), (read.GetProperty("name").GetString(), read.GetProperty("organization_id").GetGuid(),
            read.GetProperty("has_webhook_credential").GetBoolean()));

        var partners = (await ReadAsync(await host.Client.GetAsync("/api/v1/partners"))).GetProperty("items");
        Assert.Equal(["Acme", "Default"], partners.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var organizations = (await ReadAsync(await host.Client.GetAsync($"/api/v1/organizations?parent_id={partnerId}"))).GetProperty("items");
        Assert.Equal(organizationId, Assert.Single(organizations.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Theory]
    [InlineData("/api/v1/partners", """{"name": ""}""", "name", "Name is required.")]
    [InlineData("/api/v1/partners", """{}""", "name", "Name is required.")]
    [InlineData("/api/v1/partners", """{"name": "a\r\nb"}""", "name", "line breaks")]
    [InlineData("/api/v1/organizations", """{"name": "Europe"}""", "partner_id", "Choose the partner")]
    [InlineData("/api/v1/organizations", """{"name": "Europe", "partner_id": "7d1e2c3b-0000-4000-8000-000000000000"}""", "partner_id", "does not exist")]
    [InlineData("/api/v1/workspaces", """{"name": "Ops", "organization_id": "00000000-0000-0000-0000-000000000002"}""", "organization_id", "not to a partner")]
    public async Task Bad_input_is_a_400_problem_naming_the_field_and_creates_nothing(string path, string body, string field, string message)
    {
        var before = (await ReadAsync(await host.Client.GetAsync(path))).GetProperty("items").GetArrayLength();

        using var response = await host.Client.PostAsync(path, Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await ReadAsync(response);
        Assert.Contains(message, Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
        Assert.Contains(message, problem.GetProperty("detail").GetString());
        Assert.Equal(before, (await ReadAsync(await host.Client.GetAsync(path))).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_sibling_with_the_same_name_is_refused()
    {
        await CreateAsync(host.Client, "/api/v1/partners", """{"name": "Acme"}""");
        using var response = await host.Client.PostAsync("/api/v1/partners", Json("""{"name": "acme"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadAsync(response)).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Delete_is_409_while_children_or_alerts_remain_then_204()
    {
        var (partner, organization, workspace) = await ChainAsync(host.Client);
        var input = AlertInputs.RuntimeAlert();
        input.WorkspaceId = workspace;
        var alert = await host.Service<AlertService>().CreateAsync(input);

        using (var refused = await host.Client.DeleteAsync($"/api/v1/partners/{partner}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            await CredentialPortal.Tests.Features.Api.ApiAuthenticationTests.AssertProblemAsync(refused, 409, "1 organization");
        }
        using (var withAlert = await host.Client.DeleteAsync($"/api/v1/workspaces/{workspace}"))
        {
            await CredentialPortal.Tests.Features.Api.ApiAuthenticationTests.AssertProblemAsync(withAlert, 409, "1 alert");
        }

        await host.Service<AlertService>().DeleteAsync(alert.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/api/v1/workspaces/{workspace}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/api/v1/organizations/{organization}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync($"/api/v1/partners/{partner}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/v1/partners/{partner}")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/partners/7d1e2c3b-0000-4000-8000-000000000000")]
    [InlineData("/api/v1/partners/not-a-uuid")]
    [InlineData("/api/v1/workspaces/00000000-0000-0000-0000-000000000002")] // the Default partner, asked for as a workspace
    public async Task An_unknown_entity_is_a_404_problem(string path)
    {
        using var get = await host.Client.GetAsync(path);
        await CredentialPortal.Tests.Features.Api.ApiAuthenticationTests.AssertProblemAsync(get, 404, "No ");
        using var delete = await host.Client.DeleteAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task A_scoped_token_reaches_its_subtree_only()
    {
        var (acme, europe, ops) = await ChainAsync(host.Client);
        var (globex, _, _) = await ChainAsync(host.Client, "Globex");
        using var scoped = host.CreateApiClient(await host.CreateTokenAsync(acme));

        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/v1/partners/{acme}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/v1/workspaces/{ops}")).StatusCode);
        using var other = await scoped.GetAsync($"/api/v1/partners/{globex}");
        await CredentialPortal.Tests.Features.Api.ApiAuthenticationTests.AssertProblemAsync(other, 403, "scope");
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync("/api/v1/platform")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.PostAsync("/api/v1/partners", Json("""{"name": "Mine"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.DeleteAsync($"/api/v1/partners/{acme}")).StatusCode); // its own scope
        // An unknown id is outside every subtree: a scoped token learns nothing about it.
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/partners/{Guid.NewGuid()}")).StatusCode);

        var partners = (await ReadAsync(await scoped.GetAsync("/api/v1/partners"))).GetProperty("items");
        Assert.Equal(acme, Assert.Single(partners.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.Created, (await scoped.PostAsync("/api/v1/workspaces", Json($$"""{"name": "Dev", "organization_id": "{{europe}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.PostAsync("/api/v1/organizations", Json($$"""{"name": "X", "partner_id": "{{globex}}"}"""))).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_routes_are_401()
    {
        using var anonymous = host.CreateApiClient(null);
        using var response = await anonymous.GetAsync("/api/v1/partners");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}
