using System.Text.Json;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Features.Credentials;
using CredentialPortal.Tests.Features.Delivery;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Users;

/// <summary>
/// Every changing service method checks the acting role before it does anything: a role below the one it needs gets
/// <see cref="ForbiddenException"/> and the database is exactly as it was; the role it needs is let through.
/// </summary>
public sealed class ServiceRoleMatrixTests : IAsyncLifetime
{
    private DeliveryTestBed bed = default!;
    private int credentialId;
    private int alertId;
    private Guid partnerId;
    private Guid deliveryId;
    private int tokenId;

    private ActorAccessor Actors => bed.Database.Services.GetRequiredService<ActorAccessor>();

    public async Task InitializeAsync()
    {
        bed = await DeliveryTestBed.StartAsync();
        // Set up as the portal itself (Actor.System), as start-up and the worker act.
        credentialId = (await bed.Database.Credentials.CreateAsync(CredentialInputs.ClientId("Partner API"))).Id;
        alertId = await bed.AlertAsync(credentialId: credentialId);
        partnerId = (await Hierarchy.CreateAsync(HierarchyLevel.Partner, "Acme", HierarchyDefaults.PlatformId)).Id;
        deliveryId = await bed.FireAsync(alertId);
        await bed.SendDueAsync();
        tokenId = (await Tokens.CreateAsync(new ApiTokenInput("Script", HierarchyDefaults.PlatformId, null), "tests")).Result.Id;
    }

    public async Task DisposeAsync() => await bed.DisposeAsync();

    private HierarchyService Hierarchy => bed.Database.Services.GetRequiredService<HierarchyService>();

    private ApiTokenService Tokens => bed.Database.Services.GetRequiredService<ApiTokenService>();

    /// <summary>Each changing method with the least role it needs.</summary>
    private Dictionary<string, (string Needs, Func<Task> Act)> Actions() => new()
    {
        ["credential.create"] = (PortalRoles.Editor, () => bed.Database.Credentials.CreateAsync(CredentialInputs.ClientId("Another"))),
        ["credential.update"] = (PortalRoles.Editor, () => bed.Database.Credentials.UpdateAsync(credentialId, CredentialInputs.ClientId("Renamed"))),
        ["credential.delete"] = (PortalRoles.Editor, () => bed.Database.Credentials.DeleteAsync(credentialId)),
        ["credential.test-connection"] = (PortalRoles.Editor, () => bed.Database.Credentials.TestConnectionAsync(credentialId, CredentialInputs.ClientId())),
        ["alert.create"] = (PortalRoles.Editor, () => bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert("Memory high", bed.Receiver.Url("hooks/other")))),
        ["alert.update"] = (PortalRoles.Editor, () => bed.Database.Alerts.UpdateAsync(alertId, AlertInputs.RuntimeAlert("Renamed", bed.Receiver.Url("hooks/alerts")))),
        ["alert.delete"] = (PortalRoles.Editor, () => bed.Database.Alerts.DeleteAsync(alertId)),
        ["hierarchy.create"] = (PortalRoles.Editor, () => Hierarchy.CreateAsync(HierarchyLevel.Partner, "Globex", HierarchyDefaults.PlatformId)),
        ["hierarchy.rename"] = (PortalRoles.Editor, () => Hierarchy.RenameAsync(partnerId, "Acme Corp")),
        ["hierarchy.set-credential"] = (PortalRoles.Editor, () => Hierarchy.SetCredentialAsync(partnerId, credentialId)),
        ["hierarchy.delete"] = (PortalRoles.Editor, () => Hierarchy.DeleteAsync(partnerId)),
        ["delivery.fire"] = (PortalRoles.Editor, () => bed.Database.Deliveries.FireAsync(alertId, null, null)),
        ["delivery.fire-event"] = (PortalRoles.Editor, () => bed.Database.Deliveries.FireEventAsync("deployment.failed", HierarchyDefaults.DefaultWorkspaceId, null, null)),
        ["delivery.send-test"] = (PortalRoles.Editor, () => bed.Database.Deliveries.SendTestAsync(alertId)),
        ["delivery.replay"] = (PortalRoles.Editor, () => bed.Database.Deliveries.ReplayAsync(deliveryId)),
        ["delivery.replay-failed"] = (PortalRoles.Editor, () => bed.Database.Deliveries.ReplayFailedSinceAsync(alertId, bed.Now.AddDays(-1))),
        ["api-token.create"] = (PortalRoles.Administrator, () => Tokens.CreateAsync(new ApiTokenInput("Another", HierarchyDefaults.PlatformId, null), "tests")),
        ["api-token.revoke"] = (PortalRoles.Administrator, () => Tokens.RevokeAsync(tokenId)),
    };

    private static readonly string[] Names =
    [
        "credential.create", "credential.update", "credential.delete", "credential.test-connection",
        "alert.create", "alert.update", "alert.delete",
        "hierarchy.create", "hierarchy.rename", "hierarchy.set-credential", "hierarchy.delete",
        "delivery.fire", "delivery.fire-event", "delivery.send-test", "delivery.replay", "delivery.replay-failed",
        "api-token.create", "api-token.revoke",
    ];

    public static TheoryData<string> ActionNames() => new(Names);

    [Fact]
    public void The_matrix_names_every_action()
    {
        Assert.Equal(Actions().Keys.Order(), Names.Order());
    }

    [Theory]
    [MemberData(nameof(ActionNames))]
    public async Task A_role_below_the_one_needed_is_refused_and_nothing_is_saved(string action)
    {
        var (needs, act) = Actions()[action];
        foreach (var role in PortalRoles.All.Where(r => PortalRoles.Rank(r) < PortalRoles.Rank(needs)))
        {
            var before = await SnapshotAsync();
            using (Actors.Use(new Actor($"{role.ToLowerInvariant()}@portal.test", role, UserId: "user-1")))
            {
                var refused = await Assert.ThrowsAsync<ForbiddenException>(act);
                Assert.Contains(needs, refused.Message);
            }
            Assert.Equal(before, await SnapshotAsync());
            Assert.Empty(bed.Receiver.Requests.Skip(1)); // the set-up's one delivery, nothing sent since
        }
    }

    [Theory]
    [MemberData(nameof(ActionNames))]
    public async Task The_role_needed_and_any_above_it_are_let_through(string action)
    {
        var (needs, act) = Actions()[action];
        var role = needs;
        using (Actors.Use(new Actor($"{role.ToLowerInvariant()}@portal.test", role, UserId: "user-1")))
        {
            await act();
        }
    }

    [Fact]
    public async Task Someone_signed_out_is_refused_everything()
    {
        using (Actors.Use(Actor.Anonymous))
        {
            foreach (var (_, (_, act)) in Actions())
            {
                await Assert.ThrowsAsync<ForbiddenException>(act);
            }
        }
    }

    /// <summary>What every action could change, as text: equal snapshots mean nothing was saved.</summary>
    private async Task<string> SnapshotAsync()
    {
        await using var db = await bed.Database.CreateDbContextAsync();
        return JsonSerializer.Serialize(new
        {
            Credentials = await db.Credentials.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.Name, c.Version, c.LastModifiedUtc }).ToListAsync(),
            Alerts = await db.Alerts.AsNoTracking().OrderBy(a => a.Id).Select(a => new { a.Id, a.Name, a.WebhookUrl, a.CredentialId }).ToListAsync(),
            Hierarchy = await db.HierarchyEntities.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Id, e.Name, e.Version, e.CredentialId }).ToListAsync(),
            Deliveries = await db.Deliveries.AsNoTracking().OrderBy(d => d.Id).Select(d => new { d.Id, d.Status, d.AttemptCount, d.DueAtUtc }).ToListAsync(),
            Tokens = await db.Set<ApiToken>().AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.RevokedUtc }).ToListAsync(),
            Audit = await db.AuditEntries.CountAsync(),
        });
    }
}
