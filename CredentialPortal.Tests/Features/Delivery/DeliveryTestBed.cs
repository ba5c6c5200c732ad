using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// The durable delivery path over a real SQLite file and a real loopback receiver, with a clock the test moves: fire,
/// make the worker send what is due, look at the row.
/// </summary>
internal sealed class DeliveryTestBed : IAsyncDisposable
{
    private DeliveryTestBed(PortalTestDatabase database, LoopbackReceiver receiver)
    {
        Database = database;
        Receiver = receiver;
    }

    public PortalTestDatabase Database { get; }
    public LoopbackReceiver Receiver { get; }

    public static async Task<DeliveryTestBed> StartAsync(Action<IServiceCollection>? configure = null) =>
        new(await PortalTestDatabase.CreateAsync(configure), await LoopbackReceiver.StartAsync());

    public DateTime Now => Database.Clock.GetUtcNow().UtcDateTime;

    public async Task<int> AlertAsync(string path = "hooks/alerts", int? credentialId = null, string name = "CPU high")
    {
        var result = await Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(name: name, url: Receiver.Url(path), credentialId: credentialId));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Id;
    }

    public async Task<Guid> FireAsync(int alertId, string? idempotencyKey = null)
    {
        var result = await Database.Deliveries.FireAsync(alertId, null, idempotencyKey);
        Assert.Equal(DeliveryCommandStatus.Accepted, result.Status);
        return Assert.Single(result.DeliveryIds);
    }

    /// <summary>The delivery's row with its attempts, oldest first.</summary>
    public async Task<WebhookDelivery> RowAsync(Guid deliveryId)
    {
        await using var db = await Database.CreateDbContextAsync();
        var row = await db.Deliveries.AsNoTracking().Include(d => d.Attempts.OrderBy(a => a.Id)).SingleAsync(d => d.PublicId == deliveryId);
        return row;
    }

    public Task<int> SendDueAsync() => Database.Worker.SendDueAsync();

    /// <summary>Moves the clock to when the delivery is next due.</summary>
    public async Task AdvanceToDueAsync(Guid deliveryId)
    {
        var due = (await RowAsync(deliveryId)).DueAtUtc;
        if (due > Now)
        {
            Database.Clock.Advance(due - Now);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        await Database.DisposeAsync();
    }
}
