using System.Net;
using System.Text;
using System.Text.Json;
using CredentialPortal.Data;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Api;

/// <summary>
/// A token acts with its role: a Viewer's reads answer 200 and its changes 403 before any work (nothing stored, nothing
/// sent); an Editor's changes go through; a service's own refusal answers 403 problem details too.
/// </summary>
public sealed class ApiRoleTests : IAsyncLifetime
{
    private readonly ApiHost host = new();
    private LoopbackReceiver receiver = default!;
    private Guid credentialId;
    private int alertId;
    private Guid partnerId;
    private Guid deliveryId;

    public async Task InitializeAsync()
    {
        _ = host.Server;
        receiver = await LoopbackReceiver.StartAsync();
        var credentials = host.Service<CredentialService>();
        var credential = (await credentials.CreateAsync(CredentialInputs.ClientId("Partner API"))).Id;
        credentialId = (await credentials.GetForEditAsync(credential))!.PublicId;
        alertId = (await host.Service<AlertService>().CreateAsync(
            AlertInputs.RuntimeAlert(url: receiver.Url("hooks/alerts"), credentialId: credential))).Id;
        partnerId = (await host.Service<HierarchyService>().CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId)).Id;
        deliveryId = (await host.Service<DeliveryService>().SendTestAsync(alertId)).Result.DeliveryIds[0];
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await host.DisposeAsync();
    }

    /// <summary>Every changing route, with a body that would be accepted.</summary>
    private IEnumerable<(HttpMethod Method, string Path, string? Body)> Changes() =>
    [
        (HttpMethod.Post, "/api/v1/webhook-credentials", """{"name":"New","type":"bearer_token","secret":"sk_live_abc123xyz789"}"""),
        (HttpMethod.Put, $"/api/v1/webhook-credentials/{credentialId}", """{"name":"Renamed","type":"client_id","field_name":"clientid","client_id":"x"}"""),
        (HttpMethod.Delete, $"/api/v1/webhook-credentials/{credentialId}", null),
        (HttpMethod.Post, "/api/v1/partners", """{"name":"Globex"}"""),
        (HttpMethod.Delete, $"/api/v1/partners/{partnerId}", null),
        (HttpMethod.Post, $"/api/v1/config/partner/{partnerId}/webhook-credential", """{"auth_type":"bearer_token","token":"abc"}"""),
        (HttpMethod.Delete, $"/api/v1/config/partner/{partnerId}/webhook-credential", null),
        (HttpMethod.Post, $"/api/v1/alerts/{alertId}/fire", "{}"),
        (HttpMethod.Post, "/api/v1/events", $$"""{"event":"deployment.failed","workspace_id":"{{HierarchyDefaults.DefaultWorkspaceId}}"}"""),
        (HttpMethod.Post, $"/api/v1/deliveries/{deliveryId}/replay", null),
        (HttpMethod.Post, $"/api/v1/alerts/{alertId}/replay-failed", """{"since":"2020-01-01T00:00:00Z"}"""),
    ];

    private static readonly string[] Reads =
    [
        "/api/v1/token",
        "/api/v1/platform",
        "/api/v1/partners",
        "/api/v1/webhook-credentials",
        "/api/v1/deliveries",
    ];

    [Fact]
    public async Task A_viewer_token_reads_everything_and_changes_nothing()
    {
        using var viewer = host.CreateApiClient(await host.CreateTokenAsync(role: PortalRoles.Viewer, name: "Dashboard"));
        foreach (var path in Reads.Append($"/api/v1/webhook-credentials/{credentialId}").Append($"/api/v1/deliveries/{deliveryId}"))
        {
            using var read = await viewer.GetAsync(path);
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)read.StatusCode}");
        }

        var before = await SnapshotAsync();
        foreach (var (method, path, body) in Changes())
        {
            using var response = await SendAsync(viewer, method, path, body);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
            await ApiAuthenticationTests.AssertProblemAsync(response, 403, "does not allow");
        }
        Assert.Equal(before, await SnapshotAsync());
        Assert.Single(receiver.Requests); // the set-up's test delivery only
    }

    [Fact]
    public async Task The_calling_token_shows_its_role()
    {
        using var viewer = host.CreateApiClient(await host.CreateTokenAsync(role: PortalRoles.Viewer));
        using var seeded = await host.Client.GetAsync("/api/v1/token");
        using var own = await viewer.GetAsync("/api/v1/token");

        Assert.Equal("Administrator", JsonDocument.Parse(await seeded.Content.ReadAsStringAsync()).RootElement.GetProperty("role").GetString());
        Assert.Equal("Viewer", JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task An_editor_token_makes_every_change_a_viewer_may_not()
    {
        using var editor = host.CreateApiClient(await host.CreateTokenAsync(role: PortalRoles.Editor, name: "Deploy script"));
        foreach (var (method, path, body) in Changes())
        {
            using var response = await SendAsync(editor, method, path, body);
            Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized),
                $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_token_is_made_with_its_creators_role_unless_a_lower_one_is_chosen_and_never_a_higher_one()
    {
        var tokens = host.Service<ApiTokenService>();
        var actors = host.Service<ActorAccessor>();
        using (actors.Use(new Actor("admin@portal.test", PortalRoles.Administrator, UserId: "admin")))
        {
            var byDefault = await tokens.CreateAsync(new ApiTokenInput("Default", HierarchyDefaults.PlatformId, null), "admin@portal.test");
            Assert.Equal(PortalRoles.Administrator, (await tokens.GetAsync(byDefault.Result.Id))!.Role);
            var unknown = await tokens.CreateAsync(new ApiTokenInput("Owner", HierarchyDefaults.PlatformId, null, "Owner"), "admin@portal.test");
            Assert.Equal([nameof(ApiTokenInput.Role)], unknown.Result.Errors!.Keys);
        }
        // An Editor may not make tokens at all; and were one to, the rule caps the role at its own.
        var above = ApiTokenRules.Validate(new ApiTokenInput("Too much", HierarchyDefaults.PlatformId, null, PortalRoles.Administrator),
            DateTime.UtcNow, PortalRoles.Editor);
        Assert.Equal("A token's role cannot be above your own (Editor).", Assert.Single(above[nameof(ApiTokenInput.Role)]));
        Assert.Empty(ApiTokenRules.Validate(new ApiTokenInput("Enough", HierarchyDefaults.PlatformId, null, PortalRoles.Viewer),
            DateTime.UtcNow, PortalRoles.Editor));
        using (actors.Use(new Actor("editor@portal.test", PortalRoles.Editor, UserId: "editor")))
        {
            await Assert.ThrowsAsync<ForbiddenException>(() =>
                tokens.CreateAsync(new ApiTokenInput("Editor's", HierarchyDefaults.PlatformId, null, PortalRoles.Editor), "editor@portal.test"));
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (method == HttpMethod.Put)
        {
            using var current = await client.GetAsync(path);
            if (current.Headers.ETag is { } etag)
            {
                request.Headers.IfMatch.Add(etag);
            }
            else
            {
                request.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
            }
        }
        return await client.SendAsync(request);
    }

    private async Task<string> SnapshotAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return JsonSerializer.Serialize(new
        {
            Credentials = await db.Credentials.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.Name, c.Version }).ToListAsync(),
            Alerts = await db.Alerts.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.Name, a.CredentialId }).ToListAsync(),
            Hierarchy = await db.HierarchyEntities.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Id, e.Name, e.Version, e.CredentialId }).ToListAsync(),
            Deliveries = await db.Deliveries.AsNoTracking().OrderBy(d => d.Id).Select(d => new { d.Id, d.Status, d.AttemptCount, d.DueAtUtc }).ToListAsync(),
        });
    }
}
