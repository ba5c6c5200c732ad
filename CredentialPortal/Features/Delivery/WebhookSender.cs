using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CredentialPortal.Features.Alerts;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Credentials.OAuth;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace CredentialPortal.Features.Delivery;

public sealed record DeliveryOutcome(bool Delivered, int? StatusCode, int Attempts, TimeSpan Duration, string? Error)
{
    /// <summary>
    /// Completes once the delivery's row is committed to the alert's log (the log's writer does it in the background,
    /// so that a delivery does not wait for SQLite), or faults with what kept it out. Await it before reading the log.
    /// </summary>
    public Task Logged { get; init; } = Task.CompletedTask;
}

/// <summary>
/// Where a delivery stands while it runs: attempt <see cref="Attempt"/> of at most <see cref="MaxAttempts"/> has gone
/// out and is given up after <see cref="Timeout"/> without an answer (the Webhooks settings the retry pipeline uses).
/// </summary>
public sealed record DeliveryProgress(int Attempt, int MaxAttempts, TimeSpan Timeout);

/// <summary>
/// Sends alert webhooks through the resilient "webhook" HttpClient (timeouts, retries, no redirects, SSRF checks at
/// connect time), applies the credential by the domain's wire format, and records each delivery in the alert's log.
/// </summary>
public sealed partial class WebhookSender(
    HttpClient http,
    DeliveryTargets targets,
    OAuthTokenCache tokens,
    DeliveryLog log,
    WebhookDestinationPolicy destinations,
    IOptionsMonitor<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookSender> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Sends a test notification now; returns once the receiver has answered or the delivery has failed. Null when the
    /// alert does not exist. The log row follows: <see cref="DeliveryOutcome.Logged"/>. <paramref name="progress"/> hears
    /// of each attempt as it goes out.
    /// </summary>
    public async Task<DeliveryOutcome?> SendTestAsync(int alertId, IProgress<DeliveryProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        // The alert and its credential in one read (kept decrypted while neither row changes: DeliveryTargets).
        if (await targets.GetAsync(alertId, cancellationToken) is not { } target)
        {
            return null;
        }

        var alert = target.Alert;
        // Straight to UTF-8: the bytes sent (and signed) with no string in between.
        var body = JsonSerializer.SerializeToUtf8Bytes(new TestNotification(true, alert.Id, alert.Name, alert.Kind.WireName(),
            alert.TriggerSummary(), time.GetUtcNow()), Json);
        return await SendAsync(target, body, isTest: true, cancellationToken, progress);
    }

    private sealed record TestNotification(bool IsTest, int AlertId, string AlertName, string Kind, string Trigger, DateTimeOffset Timestamp);

    internal async Task<DeliveryOutcome> SendAsync(DeliveryTarget target, byte[] body, bool isTest, CancellationToken cancellationToken,
        IProgress<DeliveryProgress>? progress = null)
    {
        var (alert, credential) = target;
        var started = Stopwatch.GetTimestamp();
        var settings = options.CurrentValue;
        var attempts = new AttemptCounter(progress is null ? null
            : attempt => progress.Report(new DeliveryProgress(attempt, settings.MaxAttempts, TimeSpan.FromSeconds(settings.TimeoutSeconds))));
        var method = alert.WebhookMethod;
        var loggedUrl = alert.WebhookUrl ?? "";
        var loggedHeaders = new List<string>();
        int? status = null;
        string? error = null;

        try
        {
            if (!alert.WebhookEnabled || !Uri.TryCreate(alert.WebhookUrl, UriKind.Absolute, out var url))
            {
                throw new DeliveryRefusedException("The alert has no webhook URL.");
            }
            if (await destinations.CheckAsync(url, cancellationToken) is { } refusal)
            {
                throw new DeliveryRefusedException(refusal);
            }

            var now = time.GetUtcNow();
            // Called only for a request that goes out (for OAuth, once a token is in hand): the log shows what was sent,
            // masked, whatever the outcome (a timeout or a refused connection included).
            HttpRequestMessage CreateRequest()
            {
                var sent = new List<string>();
                var request = BuildRequest(alert, url, body, credential, now, sent);
                request.Options.Set(AttemptCounter.Key, attempts);
                var masked = CredentialWireFormat.Masked(url, credential);
                if (masked.Header is not null)
                {
                    sent.Add(masked.Header);
                }
                loggedUrl = masked.Url;
                loggedHeaders.Clear();
                loggedHeaders.AddRange(sent);
                return request;
            }

            HttpResponseMessage? response;
            OAuthSendResult? oauthResult = null;
            if (credential?.OAuth is { } oauth)
            {
                // The access token comes from the shared cache; a 401 drops it and sends once more with a fresh one.
                oauthResult = await tokens.SendAsync(http, new OAuthTokenKey(credential.Id, credential.Version), oauth, CreateRequest,
                    HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response = oauthResult.Response;
                if (response is null)
                {
                    error = $"No access token: {oauthResult.Token.Message}";
                }
            }
            else
            {
                using var request = CreateRequest();
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }

            using (oauthResult)
            using (response)
            {
                if (response is not null)
                {
                    status = (int)response.StatusCode;
                    if (!response.IsSuccessStatusCode)
                    {
                        error = status is >= 300 and < 400
                            ? $"HTTP {status}: redirects are not followed."
                            : $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
                    }
                }
            }
        }
        catch (DeliveryRefusedException ex)
        {
            error = ex.Message;
        }
        catch (DestinationRefusedException ex)
        {
            error = ex.Message;
        }
        catch (TimeoutRejectedException)
        {
            error = $"No response within {settings.TimeoutSeconds} s.";
        }
        catch (HttpRequestException ex)
        {
            error = ex.InnerException is DestinationRefusedException refused ? refused.Message : ex.Message;
        }

        var outcome = new DeliveryOutcome(error is null, status, attempts.Count, Stopwatch.GetElapsedTime(started), error);
        return outcome with { Logged = Record(alert, isTest, method, loggedUrl, loggedHeaders, outcome) };
    }

    private static HttpRequestMessage BuildRequest(Alert alert, Uri url, byte[] body, ResolvedCredential? credential, DateTimeOffset now,
        List<string> loggedHeaders)
    {
        // Parse: the shared instance for the standard methods.
        var request = new HttpRequestMessage(HttpMethod.Parse(alert.WebhookMethod), url);
        // A signature covers exactly the bytes sent: one array serves both.
        byte[] bytes = [];
        if (alert.WebhookMethod != "GET")
        {
            bytes = body;
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            loggedHeaders.Add("Content-Type: application/json");
        }

        // Checked on save and again here, by the same rule: nothing malformed or HTTP's own leaves the portal. The value
        // is never part of the message (a secret header's value is decrypted here).
        foreach (var header in alert.WebhookHeaders)
        {
            if (CredentialRules.HeaderNameError(header.Name, "Header name") is not null
                || CredentialRules.HeaderValueError(header.Value, "Header value") is not null)
            {
                request.Dispose();
                throw new DeliveryRefusedException($"The header '{header.Name}' is not valid and was not sent.");
            }
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
            loggedHeaders.Add($"{header.Name}: {(header.Secret ? CredentialWireFormat.Mask : header.Value)}");
        }

        try
        {
            CredentialWireFormat.Apply(request, credential, bytes, now);
        }
        catch (InvalidOperationException ex)
        {
            request.Dispose();
            throw new DeliveryRefusedException(ex.Message);
        }
        return request;
    }

    /// <summary>Queues the log row (not cancellable: the request has gone out, so it belongs in the log).</summary>
    private Task Record(Alert alert, bool isTest, string method, string url, List<string> headers, DeliveryOutcome outcome)
    {
        var logged = log.RecordAsync(new WebhookDelivery
        {
            AlertId = alert.Id,
            SentAtUtc = time.GetUtcNow().UtcDateTime,
            IsTest = isTest,
            Delivered = outcome.Delivered,
            StatusCode = outcome.StatusCode,
            Attempts = outcome.Attempts,
            DurationMs = (int)outcome.Duration.TotalMilliseconds,
            Error = outcome.Error,
            Method = method,
            Url = url,
            Headers = string.Join("\n", headers),
        });
        Log.Delivery(logger, alert.Id, url, outcome.Delivered ? "delivered" : "failed", outcome.Attempts, outcome.StatusCode);
        return logged;
    }

    /// <summary>Generated: no argument array or boxing per delivery, nothing formatted unless Information is enabled.</summary>
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Webhook of alert {AlertId} to {Url}: {Result} after {Attempts} attempt(s), HTTP {Status}")]
        public static partial void Delivery(ILogger logger, int alertId, string url, string result, int attempts, int? status);
    }

    /// <summary>A delivery the portal refused to attempt (bad URL, refused destination, malformed header).</summary>
    private sealed class DeliveryRefusedException(string message) : Exception(message);
}

/// <summary>
/// Counts the attempts of one delivery (the handler sits inside the retry pipeline) and tells <c>started</c> of each
/// as it goes out.
/// </summary>
public sealed class AttemptCounter(Action<int>? started = null)
{
    public static readonly HttpRequestOptionsKey<AttemptCounter> Key = new("CredentialPortal.DeliveryAttempts");
    private int count;

    public int Count => count;

    public void Increment()
    {
        var attempt = Interlocked.Increment(ref count); // counted whether or not anyone listens
        started?.Invoke(attempt);
    }
}

public sealed class AttemptCountingHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(AttemptCounter.Key, out var counter))
        {
            counter.Increment();
        }
        return base.SendAsync(request, cancellationToken);
    }
}
