using CredentialPortal.Features.Alerts;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class WebhookSenderExtraHeaderTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider logs = new();
    private PortalTestDatabase database = default!;
    private LoopbackReceiver receiver = default!;

    public async Task InitializeAsync()
    {
        database = await PortalTestDatabase.CreateAsync(s => s
            .AddSingleton(TimeProvider.System)
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));
        receiver = await LoopbackReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_secret_header_carries_its_real_value_to_the_receiver_and_is_masked_in_the_log_and_never_logged()
    {
        var secret = $"sk-{Guid.NewGuid():N}";
        var input = AlertInputs.RuntimeAlert(url: receiver.Url("hooks/secret"), headers: [("X-Team", "ops"), ("X-Api-Key", secret)]);
        input.Headers[1].Secret = true;
        var id = (await database.Alerts.CreateAsync(input)).Id;

        var outcome = await database.SendTestAsync(id);

        Assert.True(outcome!.Delivered, outcome.Error);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal((secret, "ops"), (request.Headers["X-Api-Key"], request.Headers["X-Team"]));
        var row = Assert.Single((await database.DeliveryLog.ListAsync(id, 0, 10)).Items);
        Assert.Contains("X-Api-Key: ****", row.Headers);
        Assert.DoesNotContain(secret, row.Headers);
        Assert.Contains(logs.Lines, line => line.Contains("hooks/secret")); // HttpClient's own logs are on, at Trace
        Assert.DoesNotContain(logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kept_secret_header_still_sends_its_saved_value_after_an_edit()
    {
        var input = AlertInputs.RuntimeAlert(url: receiver.Url("hooks/kept"), headers: [("X-Api-Key", "kept-value")]);
        input.Headers[0].Secret = true;
        var id = (await database.Alerts.CreateAsync(input)).Id;
        var (edit, _) = (await database.Alerts.GetForEditAsync(id))!.Value;
        edit.Name = "Renamed";
        Assert.True((await database.Alerts.UpdateAsync(id, edit)).Succeeded);

        Assert.True((await database.SendTestAsync(id))!.Delivered);

        Assert.Equal("kept-value", Assert.Single(receiver.Requests).Headers["X-Api-Key"]);
    }

    [Theory]
    [InlineData("Keep-Alive", "timeout=5")]
    [InlineData("Proxy-Authorization", "Basic eA==")]
    [InlineData("X-Tab", "a\tb")]
    [InlineData("X-Accent", "café")]
    public async Task A_header_stored_outside_the_rules_is_refused_at_send_and_nothing_goes_out(string name, string value)
    {
        var id = (await database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: receiver.Url("hooks/bad"), headers: [("X-Team", "ops")]))).Id;
        await using (var db = await database.CreateDbContextAsync())
        {
            // Written around the service (an older version, or by hand): the sender checks by the same rule.
            var alert = await db.Set<Alert>().SingleAsync(a => a.Id == id);
            alert.WebhookHeaders = [new WebhookHeader { Name = name, Value = value }];
            await db.SaveChangesAsync();
        }

        var outcome = await database.SendTestAsync(id);

        Assert.False(outcome!.Delivered);
        Assert.Equal($"The header '{name}' is not valid and was not sent.", outcome.Error);
        Assert.Empty(receiver.Requests);
    }
}
