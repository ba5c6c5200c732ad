using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Features.Delivery;

/// <summary>
/// A real receiver on a loopback port that keeps, per <c>webhook-id</c>, what it was sent. While <see cref="Hold"/> is
/// set it answers nothing (the requests stay in flight at the sender); what it receives after is acknowledged with 200.
/// </summary>
internal sealed class WebhookIdReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly object gate = new();
    private readonly Dictionary<string, int> acknowledged = [];
    private readonly TaskCompletionSource firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (HashSet<string> Ids, TaskCompletionSource Done)? awaited;

    private WebhookIdReceiver(WebApplication app) => this.app = app;

    public Uri Url { get; private set; } = default!;

    /// <summary>Requests whose webhook-id is not "msg_" + the body's delivery_id without dashes.</summary>
    public int Mismatched { get; private set; }

    public int Received { get; private set; }

    /// <summary>Completes when the first request arrives.</summary>
    public Task FirstRequest => firstRequest.Task;

    public bool Hold { get; private set; }

    public static async Task<WebhookIdReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookIdReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hooks/crash");
        return receiver;
    }

    public void HoldAnswers()
    {
        lock (gate)
        {
            Hold = true;
            release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets the held requests go (unacknowledged: their sender is gone) and answers from now on.</summary>
    public void Answer()
    {
        lock (gate)
        {
            Hold = false;
            release.TrySetResult();
        }
    }

    public int AcknowledgedCount(string webhookId)
    {
        lock (gate)
        {
            return acknowledged.GetValueOrDefault(webhookId);
        }
    }

    /// <summary>Completes once every one of <paramref name="webhookIds"/> has been acknowledged at least once.</summary>
    public Task AllAcknowledgedAsync(IEnumerable<string> webhookIds)
    {
        lock (gate)
        {
            var missing = webhookIds.Where(id => !acknowledged.ContainsKey(id)).ToHashSet();
            if (missing.Count == 0)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            awaited = (missing, done);
            return done.Task;
        }
    }

    public IReadOnlyCollection<string> Missing(IEnumerable<string> webhookIds)
    {
        lock (gate)
        {
            return webhookIds.Where(id => !acknowledged.ContainsKey(id)).ToList();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var webhookId = context.Request.Headers["webhook-id"].ToString();
        string? deliveryId = null;
        try
        {
            deliveryId = JsonDocument.Parse(body).RootElement.GetProperty("delivery_id").GetGuid().ToString("N");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            // counted as a mismatch below
        }

        Task? wait;
        lock (gate)
        {
            Received++;
            if (webhookId != "msg_" + deliveryId)
            {
                Mismatched++;
            }
            wait = Hold ? release.Task : null;
        }
        firstRequest.TrySetResult();
        if (wait is not null)
        {
            await wait;
            context.Abort(); // held while its sender died: never acknowledged
            return;
        }

        lock (gate)
        {
            acknowledged[webhookId] = acknowledged.GetValueOrDefault(webhookId) + 1;
            if (awaited is { } a && a.Ids.Remove(webhookId) && a.Ids.Count == 0)
            {
                a.Done.TrySetResult();
            }
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    public async ValueTask DisposeAsync()
    {
        Answer();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
