using System.Text.Json.Nodes;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Features.Delivery.Api;

/// <summary>
/// One portal with its background delivery worker running, a loopback receiver, and the calls the delivery API tests
/// make. Tests make their own alerts (each with its own receiver path), so they do not see each other's deliveries.
/// </summary>
public sealed class DeliveryApiFixture : IAsyncLifetime
{
    public ApiHost Host { get; } = new();

    public LoopbackReceiver Receiver { get; private set; } = null!;

    public DatabaseCommits Commits { get; } = new();

    public async Task InitializeAsync()
    {
        Receiver = await LoopbackReceiver.StartAsync();
        _ = Host.Client; // starts the app
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        Commits.Dispose();
    }

    /// <summary>A Runtime Alert whose webhook posts to <paramref name="receiver"/> (the fixture's when null) at a path of its own.</summary>
    public async Task<int> CreateAlertAsync(LoopbackReceiver? receiver = null, bool webhook = true, Guid? workspaceId = null,
        AlertInput? input = null)
    {
        input ??= AlertInputs.RuntimeAlert(name: "Alert " + Guid.NewGuid().ToString("N")[..8]);
        input.WebhookEnabled = webhook;
        input.WebhookUrl = webhook ? (receiver ?? Receiver).Url("hook/" + Guid.NewGuid().ToString("N")).ToString() : null;
        input.WorkspaceId = workspaceId ?? HierarchyDefaults.DefaultWorkspaceId;
        var saved = await Host.Service<AlertService>().CreateAsync(input);
        Assert.True(saved.Succeeded, string.Join(" ", saved.Errors?.SelectMany(e => e.Value) ?? []));
        return saved.Id;
    }

    /// <summary>A new partner with an organization and a workspace; returns the partner's and the workspace's ids.</summary>
    public async Task<(Guid Partner, Guid Workspace)> CreateSubtreeAsync()
    {
        var hierarchy = Host.Service<HierarchyService>();
        var name = Guid.NewGuid().ToString("N")[..8];
        var partner = await hierarchy.CreateAsync(HierarchyLevel.Partner, "Partner " + name, HierarchyDefaults.PlatformId);
        var organization = await hierarchy.CreateAsync(HierarchyLevel.Organization, "Organization " + name, partner.Id);
        var workspace = await hierarchy.CreateAsync(HierarchyLevel.Workspace, "Workspace " + name, organization.Id);
        Assert.True(workspace.Succeeded);
        return (partner.Id, workspace.Id);
    }

    /// <summary>A client with a token scoped to <paramref name="scope"/>.</summary>
    public async Task<HttpClient> ClientScopedToAsync(Guid scope) => Host.CreateApiClient(await Host.CreateTokenAsync(scope));

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body = null, string? idempotencyKey = null,
        HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? CredentialApiFixture.Json(body);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        using var response = await (client ?? Host.Client).SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return new ApiAnswer((int)response.StatusCode, raw, response.Headers.ETag?.ToString(), response.Headers.Location?.ToString(),
            response.Content.Headers.ContentType?.MediaType);
    }

    public Task<ApiAnswer> FireAsync(int alertId, object? data = null, string? idempotencyKey = null, HttpClient? client = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alertId}/fire", data, idempotencyKey, client);

    /// <summary>Fires and returns the accepted delivery_id.</summary>
    public async Task<Guid> FireAcceptedAsync(int alertId, object? data = null)
    {
        var fired = await FireAsync(alertId, data);
        Assert.True(fired.Status == 202, fired.Raw);
        return Guid.Parse(fired["delivery_id"]!);
    }

    public Task<ApiAnswer> GetDeliveryAsync(Guid deliveryId, HttpClient? client = null) =>
        SendAsync(HttpMethod.Get, $"/api/v1/deliveries/{deliveryId}", client: client);

    /// <summary>Waits until the worker has recorded the delivery as <paramref name="status"/> (re-read after each commit).</summary>
    public Task<DeliveryView> WaitForStatusAsync(Guid deliveryId, DeliveryStatus status) =>
        Commits.UntilAsync(async () => (await Host.Service<DeliveryService>().GetAsync(deliveryId))!,
            d => d.Status == status, $"delivery {deliveryId} to be {status.WireName()}");

    /// <summary>The requests the receiver got for the alert's webhook (its own path), oldest first.</summary>
    public static IReadOnlyList<LoopbackReceiver.Received> RequestsOf(LoopbackReceiver receiver, DeliveryView delivery) =>
        receiver.Requests.Where(r => JsonNode.Parse(r.Body)?["delivery_id"]?.ToString() == delivery.DeliveryId.ToString()).ToList();
}
