using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// An alert that inherits sends with its workspace's effective credential, and follows every change up the chain on the
/// very next delivery: nothing is told to invalidate anything.
/// </summary>
public sealed class InheritedCredentialDeliveryTests : IAsyncLifetime
{
    private PortalTestDatabase database = default!;
    private LoopbackReceiver receiver = default!;

    private HierarchyService Hierarchy => database.Services.GetRequiredService<HierarchyService>();

    public async Task InitializeAsync()
    {
        // A retry is due at once: the worker makes it when a test asks (Worker.SendDueAsync).
        database = await PortalTestDatabase.CreateAsync(s => s
            .AddSingleton(TimeProvider.System)
            .Configure<WebhookOptions>(o => o.RetrySchedule = "0s,0s"));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    private async Task<(Guid Partner, Guid Organization, Guid Workspace, int Alert)> InheritingAlertAsync()
    {
        var partner = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", null)).Id;
        var organization = (await Hierarchy.CreateAsync(HierarchyLevel.Organization, "Europe", partner)).Id;
        var workspace = (await Hierarchy.CreateAsync(HierarchyLevel.Workspace, "Ops", organization)).Id;
        var input = AlertInputs.RuntimeAlert(url: receiver.Url("hooks"));
        input.WorkspaceId = workspace;
        input.InheritsCredential = true;
        var alert = await database.Alerts.CreateAsync(input);
        Assert.True(alert.Succeeded);
        return (partner, organization, workspace, alert.Id);
    }

    private async Task<int> BearerAsync(string name, string token) =>
        (await database.Credentials.CreateAsync(new CredentialInput { Name = name, Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = token })).Id;

    private async Task<string?> SentAuthorizationAsync(int alert)
    {
        var before = receiver.Requests.Count;
        Assert.True((await database.SendTestAsync(alert))!.Delivered);
        Assert.Equal(before + 1, receiver.Requests.Count);
        return receiver.Requests.Last().Headers.GetValueOrDefault("Authorization");
    }

    [Fact]
    public async Task An_inheriting_alert_follows_overrides_clearing_and_deletions_up_the_chain_on_the_next_delivery()
    {
        var (partner, organization, _, alert) = await InheritingAlertAsync();
        Assert.Null(await SentAuthorizationAsync(alert)); // nothing up the chain: No Auth

        var platformKey = await BearerAsync("Platform key", "platform-token-0001");
        var partnerKey = await BearerAsync("Acme key", "sk_live_abc123xyz789");
        await Hierarchy.SetCredentialAsync(HierarchyDefaults.PlatformId, platformKey);
        await Hierarchy.SetCredentialAsync(partner, partnerKey);
        Assert.Equal("Bearer sk_live_abc123xyz789", await SentAuthorizationAsync(alert));

        Assert.Equal("Bearer sk_live_abc123xyz789", await SentAuthorizationAsync(alert));

        var organizationKey = await BearerAsync("Europe key", "europe-token-0002");
        await Hierarchy.SetCredentialAsync(organization, organizationKey);
        Assert.Equal("Bearer europe-token-0002", await SentAuthorizationAsync(alert));

        await Hierarchy.SetCredentialAsync(organization, null);
        Assert.Equal("Bearer sk_live_abc123xyz789", await SentAuthorizationAsync(alert));

        Assert.True(await database.Credentials.DeleteAsync(partnerKey));
        Assert.Equal("Bearer platform-token-0001", await SentAuthorizationAsync(alert));

        Assert.True(await database.Credentials.DeleteAsync(platformKey));
        Assert.Null(await SentAuthorizationAsync(alert));
    }

    [Fact]
    public async Task A_changed_token_of_the_inherited_credential_is_sent_at_once()
    {
        var (partner, _, _, alert) = await InheritingAlertAsync();
        var partnerKey = await BearerAsync("Acme key", "sk_live_abc123xyz789");
        await Hierarchy.SetCredentialAsync(partner, partnerKey);
        Assert.Equal("Bearer sk_live_abc123xyz789", await SentAuthorizationAsync(alert));

        var edit = (await database.Credentials.GetForEditAsync(partnerKey))!;
        var update = new CredentialInput { Name = "Acme key", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_rotated_0003", Version = edit.Version };
        Assert.True((await database.Credentials.UpdateAsync(partnerKey, update)).Succeeded);

        Assert.Equal("Bearer sk_live_rotated_0003", await SentAuthorizationAsync(alert));
    }

    [Fact]
    public async Task Each_attempt_of_one_delivery_sends_the_inherited_credential_as_it_is_then()
    {
        var (partner, _, _, alert) = await InheritingAlertAsync();
        var partnerKey = await BearerAsync("Acme key", "sk_live_abc123xyz789");
        await Hierarchy.SetCredentialAsync(partner, partnerKey);
        receiver.Script(new LoopbackReceiver.Reply(503), new LoopbackReceiver.Reply(503));
        var first = (await database.SendTestAsync(alert))!;
        Assert.Equal(DeliveryStatus.Pending, first.View.Status);

        // Rotated between the first and the second attempt: the second carries the new token.
        var edit = (await database.Credentials.GetForEditAsync(partnerKey))!;
        var update = new CredentialInput { Name = "Acme key", Type = CredentialType.BearerToken, FieldName = "Authorization", Secret = "sk_live_rotated_0003", Version = edit.Version };
        Assert.True((await database.Credentials.UpdateAsync(partnerKey, update)).Succeeded);
        Assert.Equal(1, await database.Worker.SendDueAsync());

        // Deleted before the third: No Auth, as the overview says.
        Assert.True(await database.Credentials.DeleteAsync(partnerKey));
        Assert.Equal(1, await database.Worker.SendDueAsync());

        var requests = receiver.Requests.ToArray();
        Assert.Equal(["Bearer sk_live_abc123xyz789", "Bearer sk_live_rotated_0003", null],
            requests.Select(r => r.Headers.GetValueOrDefault("Authorization")));
        Assert.Single(requests.Select(r => r.Headers["webhook-id"]).Distinct());
        var delivery = await database.ReloadAsync(first);
        Assert.Equal((DeliveryStatus.Delivered, 3), (delivery.View.Status, delivery.Attempts));
        Assert.True((await database.Alerts.GetOverviewAsync(alert))!.Auth.IsNoAuth);
    }

    [Fact]
    public async Task A_change_made_behind_the_services_back_is_seen_too()
    {
        var (partner, organization, _, alert) = await InheritingAlertAsync();
        var partnerKey = await BearerAsync("Acme key", "sk_live_abc123xyz789");
        var organizationKey = await BearerAsync("Europe key", "europe-token-0002");
        await Hierarchy.SetCredentialAsync(partner, partnerKey);
        Assert.Equal("Bearer sk_live_abc123xyz789", await SentAuthorizationAsync(alert));

        // By hand, without a version bump (another process, an operator at a SQL prompt).
        await using (var db = await database.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"HierarchyEntities\" SET \"CredentialId\" = {organizationKey} WHERE \"Id\" = {organization}");
        }

        Assert.Equal("Bearer europe-token-0002", await SentAuthorizationAsync(alert));
    }

    [Fact]
    public async Task An_explicit_choice_ignores_the_hierarchy()
    {
        var (partner, _, workspace, _) = await InheritingAlertAsync();
        await Hierarchy.SetCredentialAsync(partner, await BearerAsync("Acme key", "sk_live_abc123xyz789"));
        var chosen = await BearerAsync("Chosen", "chosen-token-0004");
        var input = AlertInputs.RuntimeAlert(name: "Explicit", url: receiver.Url("hooks"), credentialId: chosen);
        input.WorkspaceId = workspace;
        var alert = (await database.Alerts.CreateAsync(input)).Id;

        Assert.Equal("Bearer chosen-token-0004", await SentAuthorizationAsync(alert));
    }
}
