using System.Net;
using System.Net.Sockets;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Tests.Features.Alerts;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Reply = CredentialPortal.Tests.Infrastructure.LoopbackReceiver.Reply;

namespace CredentialPortal.Tests.Features.Delivery;

public sealed class DeliveryRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan[] Steps =
        [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
            TimeSpan.FromHours(10), TimeSpan.FromHours(10)];

    private DeliveryTestBed bed = default!;

    public async Task InitializeAsync() => bed = await DeliveryTestBed.StartAsync();

    public async Task DisposeAsync() => await bed.DisposeAsync();

    [Fact]
    public async Task A_receiver_that_keeps_failing_gets_eight_attempts_on_the_default_schedule_then_the_delivery_fails()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(Enumerable.Repeat(new Reply(500), 8).ToArray());
        var id = await bed.FireAsync(alert);
        var accepted = bed.Now;

        Assert.Equal(1, await bed.SendDueAsync());
        foreach (var step in Steps)
        {
            var row = await bed.RowAsync(id);
            Assert.Equal(DeliveryStatus.Pending, row.Status);
            Assert.Null(row.LeaseId);
            Assert.InRange(row.DueAtUtc - bed.Now, step * 0.9, step * 1.1);
            // Not a moment early.
            bed.Database.Clock.Advance(row.DueAtUtc - bed.Now - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, await bed.SendDueAsync());
            bed.Database.Clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, await bed.SendDueAsync());
        }

        var failed = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Failed, 8, 8, 500), (failed.Status, failed.AttemptCount, failed.Attempts.Count, failed.StatusCode));
        Assert.Equal("Webhook Dispatch Failed", failed.Status.Label());
        Assert.Equal(bed.Now, failed.CompletedAtUtc);
        Assert.InRange(failed.CompletedAtUtc!.Value - accepted, Steps.Aggregate(TimeSpan.Zero, (a, b) => a + b) * 0.9,
            Steps.Aggregate(TimeSpan.Zero, (a, b) => a + b) * 1.1);
        Assert.Equal(8, bed.Receiver.Requests.Count);
        Assert.Single(bed.Receiver.Requests.Select(r => r.Headers["webhook-id"]).Distinct());
        Assert.Equal(8, bed.Receiver.Requests.Select(r => r.Headers["webhook-timestamp"]).Distinct().Count());
        Assert.All(failed.Attempts, a => Assert.Equal((500, "HTTP 500 Internal Server Error"), (a.StatusCode, a.Error)));
        bed.Database.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await bed.SendDueAsync());
    }

    [Fact]
    public async Task A_delivery_that_fails_then_succeeds_is_delivered_with_every_attempt_logged()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(503), new Reply(502), new Reply(204));
        var id = await bed.FireAsync(alert);

        for (var i = 0; i < 3; i++)
        {
            await bed.AdvanceToDueAsync(id);
            Assert.Equal(1, await bed.SendDueAsync());
        }

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Delivered, 3, 204, null), (row.Status, row.AttemptCount, row.StatusCode, row.Error));
        Assert.Equal([503, 502, 204], row.Attempts.Select(a => a.StatusCode));
        Assert.Equal(bed.Now, row.CompletedAtUtc);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(599)]
    public async Task Worth_another_attempt(int status)
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(status));
        var id = await bed.FireAsync(alert);

        await bed.SendDueAsync();

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Pending, 1, status), (row.Status, row.ScheduleStep, row.StatusCode));
        Assert.InRange(row.DueAtUtc - bed.Now, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5.5));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(422)]
    [InlineData(301)]
    public async Task Any_other_answer_ends_the_delivery_at_once(int status)
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(status, Location: status == 301 ? "/elsewhere" : null));
        var id = await bed.FireAsync(alert);

        await bed.SendDueAsync();

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Failed, 1, status), (row.Status, row.AttemptCount, row.StatusCode));
        Assert.Equal(bed.Now, row.CompletedAtUtc);
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            Assert.Null((await db.Alerts.SingleAsync(a => a.Id == alert)).WebhookGoneAtUtc);
        }
        bed.Database.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await bed.SendDueAsync());
    }

    [Fact]
    public async Task Gone_fails_the_delivery_and_turns_the_webhook_off_until_the_alert_is_saved()
    {
        var alert = await bed.AlertAsync();
        var waiting = await bed.FireAsync(alert);
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            await db.Deliveries.Where(d => d.PublicId == waiting).ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAtUtc, bed.Now.AddSeconds(1)));
        }
        bed.Receiver.Script(new Reply(410));
        var id = await bed.FireAsync(alert);

        await bed.SendDueAsync();

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Failed, 410), (row.Status, row.StatusCode));
        await using (var db = await bed.Database.CreateDbContextAsync())
        {
            Assert.Equal(bed.Now, (await db.Alerts.SingleAsync(a => a.Id == alert)).WebhookGoneAtUtc);
        }
        var fire = await bed.Database.Deliveries.FireAsync(alert, null, null);
        Assert.Equal(DeliveryCommandStatus.Conflict, fire.Status);
        Assert.Contains("410 Gone", fire.Reason);
        // A delivery already waiting is not sent to a receiver that said it is gone.
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await bed.SendDueAsync());
        Assert.Single(bed.Receiver.Requests);
        var refused = await bed.RowAsync(waiting);
        Assert.Equal(DeliveryStatus.Failed, refused.Status);
        Assert.Contains("410 Gone", refused.Error);

        var (input, _) = (await bed.Database.Alerts.GetForEditAsync(alert))!.Value;
        Assert.True((await bed.Database.Alerts.UpdateAsync(alert, input)).Succeeded);
        Assert.Equal(DeliveryCommandStatus.Accepted, (await bed.Database.Deliveries.FireAsync(alert, null, null)).Status);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_step_is_honoured()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(429, RetryAfter: "120"));
        var id = await bed.FireAsync(alert);

        await bed.SendDueAsync();

        Assert.Equal(TimeSpan.FromSeconds(120), (await bed.RowAsync(id)).DueAtUtc - bed.Now);
    }

    [Fact]
    public async Task A_retry_after_date_on_503_is_honoured_up_to_the_next_step()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(503, RetryAfter: bed.Now.AddHours(6).ToString("R")));
        var id = await bed.FireAsync(alert);

        await bed.SendDueAsync();

        Assert.Equal(TimeSpan.FromMinutes(5), (await bed.RowAsync(id)).DueAtUtc - bed.Now);
    }

    [Fact]
    public async Task A_retry_after_on_another_status_or_shorter_than_the_step_follows_the_schedule()
    {
        var alert = await bed.AlertAsync();
        bed.Receiver.Script(new Reply(500, RetryAfter: "3600"), new Reply(429, RetryAfter: "1"));
        var id = await bed.FireAsync(alert);

        await bed.SendDueAsync();
        Assert.InRange((await bed.RowAsync(id)).DueAtUtc - bed.Now, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(5.5));
        await bed.AdvanceToDueAsync(id);
        await bed.SendDueAsync();
        Assert.InRange((await bed.RowAsync(id)).DueAtUtc - bed.Now, TimeSpan.FromMinutes(4.5), TimeSpan.FromMinutes(5.5));
    }

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var created = await bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri($"http://127.0.0.1:{port}/hooks")));
        var id = await bed.FireAsync(created.Id);

        await bed.SendDueAsync();

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Pending, 1, null), (row.Status, row.ScheduleStep, row.StatusCode));
        Assert.False(string.IsNullOrEmpty(Assert.Single(row.Attempts).Error));
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_retried()
    {
        // A receiver that accepts the connection and never answers; the attempt's timeout runs on the test's clock.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var created = await bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(url: new Uri($"http://127.0.0.1:{port}/hooks")));
        var id = await bed.FireAsync(created.Id);

        var sending = bed.SendDueAsync();
        using var connection = await silent.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(sending.IsCompleted);
        bed.Database.Clock.Advance(TimeSpan.FromSeconds(5));
        await sending.WaitAsync(TimeSpan.FromSeconds(60));

        var row = await bed.RowAsync(id);
        Assert.Equal((DeliveryStatus.Pending, 1, null), (row.Status, row.ScheduleStep, row.StatusCode));
        Assert.Equal("No response within 5 s.", Assert.Single(row.Attempts).Error);
    }

    [Fact]
    public async Task Control_characters_in_a_receivers_answer_are_recorded_as_replacement_characters_and_the_batch_is_recorded()
    {
        // PostgreSQL refuses U+0000 in text: stored as it came, one receiver's status line (quoted in the error) would
        // fail the whole batch's recording, and every delivery in it would be claimed and sent again after its lease, for ever.
        using var odd = new TcpListener(IPAddress.Loopback, 0);
        odd.Start();
        var port = ((IPEndPoint)odd.LocalEndpoint).Port;
        var created = await bed.Database.Alerts.CreateAsync(AlertInputs.RuntimeAlert(name: "Odd receiver", url: new Uri($"http://127.0.0.1:{port}/hooks")));
        var oddId = await bed.FireAsync(created.Id);
        var plainId = await bed.FireAsync(await bed.AlertAsync());

        var sending = bed.SendDueAsync();
        using (var connection = await odd.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(60)))
        await using (var stream = new NetworkStream(connection))
        {
            var request = new byte[65536];
            var read = 0;
            while (!System.Text.Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var more = await stream.ReadAsync(request.AsMemory(read));
                Assert.NotEqual(0, more);
                read += more;
            }
            await stream.WriteAsync("HTTP/1.1 500 Bad\0news\u0007\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        }
        Assert.Equal(2, await sending.WaitAsync(TimeSpan.FromSeconds(60)));

        var row = await bed.RowAsync(oddId);
        // .NET refuses the phrase and quotes it in its exception's message, which is what the attempt records.
        Assert.Equal((DeliveryStatus.Pending, 1), (row.Status, row.ScheduleStep));
        Assert.Contains("'Bad\uFFFDnews\uFFFD'", Assert.Single(row.Attempts).Error, StringComparison.Ordinal);
        Assert.Equal(row.Attempts.Single().Error, row.Error);
        Assert.Equal(DeliveryStatus.Delivered, (await bed.RowAsync(plainId)).Status);
    }
}
